/** Runs the built mtlsctl as a real process, as a user or a script would. */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

/** Absolute path of bin/mtlsctl.js. */
export const BIN = fileURLToPath(new URL('../../../bin/mtlsctl.js', import.meta.url));

/** What one run printed and returned. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Options for one run. */
export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs `mtlsctl ...args` with colour off and a private HOME, never throws on
 * a non-zero exit, and fails the test if any output carries key material.
 */
export async function mtlsctl(args: string[], options: CliOptions): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { NO_COLOR: '1', HOME: options.cwd, MTLSCTL_CA_PASSPHRASE: undefined, ...options.env },
    extendEnv: true,
    input: options.input,
    reject: false,
    timeout: options.timeoutMs ?? 60_000,
    stripFinalNewline: false,
  });
  const out: CliResult = {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
  assertNoKeyMaterial(out);
  return out;
}

/** Fails when output holds a private key block. */
export function assertNoKeyMaterial(result: { stdout: string; stderr: string }): void {
  assert.doesNotMatch(result.stdout, /PRIVATE KEY-----/, 'stdout leaked private key material');
  assert.doesNotMatch(result.stderr, /PRIVATE KEY-----/, 'stderr leaked private key material');
}
