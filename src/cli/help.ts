/** Help text shared by every command: exit codes and the examples block. */
import { ERROR_CODES } from '../errors.js';

/** The exit status table, as every --help shows it. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success (for probe: the handshake was accepted)
  1    the check ran and found a problem (rejected handshake, failed lint)
  2    usage error: bad option or argument
  3    bad input data: unreadable manifest, certificate or key
  4    local state: no CA, file exists without --force, cannot write, locked
  5    network: the endpoint cannot be reached
  70   internal error (a bug: please report it)
  130  interrupted or prompt cancelled`;

/** The error code table for the top-level help. */
export function errorCodesHelp(): string {
  const width = Math.max(...ERROR_CODES.map(([code]) => code.length));
  const rows = ERROR_CODES.map(([code, exit, meaning]) => `  ${code.padEnd(width)}  ${String(exit).padEnd(4)} ${meaning}`);
  return `\nError codes (printed in brackets after an error):\n${rows.join('\n')}`;
}

/** An "Examples:" block from command lines. */
export function examplesHelp(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/**
 * Rewrites a commander parse error in the house form: one line ending in
 * [USAGE], then a hint naming the help of the command that was run.
 */
export function usageErrorText(message: string, commandPath: string): string {
  const text = message.trim().replace(/^error: /, '').replace(/\.$/, '');
  return `error: ${text} [USAGE]\nhint: see ${commandPath} --help for its options and examples\n`;
}
