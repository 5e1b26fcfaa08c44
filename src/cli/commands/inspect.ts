/** `mtlsctl inspect`: options in, a chain report out (exit 1 on error findings). */
import { BoundedReadError, readBounded } from '../../fs/read-bounded.js';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { EXIT, MtlsError, usageError } from '../../errors.js';
import { durationOption } from '../../time/duration.js';
import { Reporter } from '../../output/reporter.js';
import type { Io } from '../io.js';
import type { Invocation } from '../program.js';
import { resolvePassphrase } from '../../ca/passphrase.js';
import { inspect } from '../../inspect/inspect.js';
import { P12_PASSWORD_ENV } from '../../inspect/pkcs12.js';
import { inspectJson } from '../../inspect/render-json.js';
import { inspectText } from '../../inspect/render-human.js';

interface InspectOptions {
  ca?: string;
  purpose?: 'server' | 'client';
  name?: string;
  ip?: string;
  uri?: string;
  at?: string;
  key?: string;
  cert?: string;
  servername?: string;
  passwordFile?: string;
  passphraseFile?: string;
  warnWithin: string;
  maxValidity: string;
  timeout: string;
}

/** Runs `mtlsctl inspect`. */
export async function inspectCommand(raw: Record<string, unknown>, inv: Invocation, io: Io): Promise<number> {
  const opts = raw as unknown as InspectOptions;
  const out = new Reporter(io, raw);
  if (opts.cert && !opts.key) throw usageError('USAGE', '--cert needs --key (the client key)', 'add --key with the key of the client certificate');
  if (io.stdin.isTTY && [...inv.args, opts.ca].includes('-')) {
    out.info('reading certificates from the terminal: paste PEM, then press Ctrl-D');
  }
  const report = await inspect({
    inputs: inv.args,
    cwd: io.cwd,
    stdin: io.stdin,
    env: io.env,
    warn: (message) => out.warn(message),
    ca: opts.ca,
    keyFile: opts.cert ? undefined : opts.key,
    clientCertFile: opts.cert,
    clientKeyFile: opts.cert ? opts.key : undefined,
    password: await readPassword(opts.passwordFile, io),
    keyPassphrase: await resolvePassphrase(opts.passphraseFile && resolve(io.cwd, opts.passphraseFile), io.env),
    servername: opts.servername,
    checks: { at: atOption(opts.at, io.now()), purpose: opts.purpose, ...nameChecks(opts) },
    warnWithinMs: durationOption('--warn-within', opts.warnWithin),
    maxValidityMs: durationOption('--max-validity', opts.maxValidity),
    timeoutMs: timeoutOption(opts.timeout),
  });
  out.detail(`path: ${report.path.path.map((c) => c.source).join(' -> ')}`);
  if (out.json) out.document('inspect', inspectJson(report));
  else out.result(inspectText(report, out.out));
  return report.findings.some((f) => f.severity === 'error') ? EXIT.checkFailed : EXIT.ok;
}

/** The --name, --ip and --uri to check, each validated so that a typo is a usage error. */
function nameChecks(opts: InspectOptions): { name?: string; ip?: string; uri?: string } {
  if (opts.name !== undefined && opts.name.trim() === '') {
    throw usageError('USAGE_INVALID_VALUE', '--name is empty', 'give the DNS name a client would use, e.g. --name web.default.svc');
  }
  // node:crypto's checkIP throws on anything but a plain address (no zone, no prefix).
  if (opts.ip !== undefined && (isIP(opts.ip) === 0 || opts.ip.includes('%'))) {
    throw usageError('USAGE_INVALID_VALUE', `--ip ${JSON.stringify(opts.ip)} is not an IP address`, 'e.g. --ip 10.0.0.5 or --ip fd00::5 (no zone, no prefix length)');
  }
  if (opts.uri !== undefined && !URL.canParse(opts.uri)) {
    throw usageError('USAGE_INVALID_VALUE', `--uri ${JSON.stringify(opts.uri)} is not an absolute URI`, 'e.g. --uri spiffe://cluster.local/ns/default/sa/web');
  }
  return { name: opts.name, ip: opts.ip, uri: opts.uri };
}

/** Node's timers hold at most 2^31-1 ms and fire at once past it; an hour is plenty for a handshake. */
const MAX_TIMEOUT_MS = 3_600_000;

function timeoutOption(text: string): number {
  const ms = durationOption('--timeout', text);
  if (ms > MAX_TIMEOUT_MS) {
    throw usageError('USAGE_INVALID_VALUE', `--timeout ${JSON.stringify(text)} is longer than 1h`, 'a TLS handshake needs seconds, e.g. --timeout 10s');
  }
  return ms;
}

function atOption(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw usageError('USAGE_INVALID_VALUE', `--at ${JSON.stringify(text)} is not a time`, 'use ISO 8601, e.g. 2027-01-31 or 2027-01-31T12:00:00Z');
  }
  return date;
}

async function readPassword(file: string | undefined, io: Io): Promise<string | undefined> {
  if (file === undefined) return io.env[P12_PASSWORD_ENV];
  try {
    return (await readBounded(resolve(io.cwd, file), 64 * 1024)).toString('utf8').split(/\r?\n/)[0];
  } catch (cause) {
    const why = cause instanceof BoundedReadError ? cause.why : 'unreadable';
    throw new MtlsError('FILE_NOT_FOUND', EXIT.badInput, `cannot read password file ${file}: ${why}`, { cause, hint: `create it (one line) or set ${P12_PASSWORD_ENV} instead` });
  }
}
