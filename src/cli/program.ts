/** The command tree. Each action imports its command module only when run. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Io } from './io.js';
import { EXIT_CODES_HELP, errorCodesHelp, examplesHelp, usageErrorText } from './help.js';
import { registerInit } from './commands/init-options.js';
import { registerManifest } from './commands/manifest-options.js';
import { registerIssue } from './commands/issue-options.js';
import { registerInspect } from './commands/inspect-options.js';
import { registerProbe } from './commands/probe-options.js';

/** State an action hands back to main. */
export interface RunState {
  exitCode: number;
}

/** What an action receives besides its options. */
export interface Invocation {
  args: string[];
  /** Names of options given on the command line (not defaults). */
  given: Set<string>;
}

/** The signature of every command module's entry point. */
export type CommandFn = (opts: Record<string, unknown>, inv: Invocation, io: Io) => Promise<number>;

/** Wraps a lazily loaded command module as a commander action. */
export type ActionFactory = (load: () => Promise<CommandFn>) => (...params: unknown[]) => Promise<void>;

/** Reads the package version without importing anything heavy. */
function version(): string {
  const url = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** Builds the commander program for one run. */
export function buildProgram(io: Io, state: RunState): Command {
  const program = new Command('mtlsctl')
    .description('PKI and mutual-TLS toolkit: stand up a CA, issue service identities, inspect chains, diagnose handshakes')
    .version(version(), '-V, --version')
    .option('--json', 'print one machine-readable JSON document on stdout')
    .option('-q, --quiet', 'print only errors on stderr')
    .option('-v, --verbose', 'print extra detail on stderr')
    .option('--color', 'force colour on')
    .option('--no-color', 'never use colour (NO_COLOR is honoured too)')
    .option('--debug', 'print stack traces of errors (also MTLSCTL_DEBUG=1)')
    .exitOverride()
    .addHelpText('after', examplesHelp([
      'mtlsctl init',
      'mtlsctl manifest new && mtlsctl issue',
      'mtlsctl inspect out/frontend/chain.pem --ca pki/trust-bundle.crt',
      'mtlsctl probe --from frontend --to checkoutservice',
    ]) + EXIT_CODES_HELP + '\n' + errorCodesHelp() + '\n');

  const action: ActionFactory = (load) => async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const given = new Set(
      cmd.options
        .map((o) => o.attributeName())
        .filter((name) => cmd.getOptionValueSource(name) === 'cli'),
    );
    const fn = await load();
    state.exitCode = await fn(cmd.optsWithGlobals(), { args: cmd.args, given }, io);
  };

  registerInit(program, action);
  registerManifest(program, action);
  registerIssue(program, action);
  registerInspect(program, action);
  registerProbe(program, action);
  configureOutputs(program, io, 'mtlsctl');
  return program;
}

/** Routes help and parse errors of every command through `io`, in the house error form. */
function configureOutputs(cmd: Command, io: Io, path: string): void {
  cmd.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => write(usageErrorText(s, path)),
  });
  for (const sub of cmd.commands) configureOutputs(sub, io, `${path} ${sub.name()}`);
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
