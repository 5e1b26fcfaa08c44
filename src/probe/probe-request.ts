/** Turns probe's command-line options into one of its three modes, checking combinations. */
import { isIP } from 'node:net';
import { usageError } from '../errors.js';
import { parseDuration } from '../time/duration.js';
import { parseTarget } from './target.js';
import type { ClientProbeRequest } from './run-client.js';
import type { BetweenRequest } from './between.js';
import type { ListenRequest } from './listen.js';

/** The options probe accepts, as commander hands them over. */
interface RawProbeOptions {
  cert?: string;
  key?: string;
  ca?: string;
  servername?: string;
  tlsMin?: '1.2' | '1.3';
  tlsMax?: '1.2' | '1.3';
  timeout?: string;
  http?: string | boolean;
  from?: string;
  to?: string;
  file: string;
  listen?: string;
  count?: string;
}

/** One of probe's modes with its request. */
export type ProbeMode =
  | { kind: 'client'; request: ClientProbeRequest }
  | { kind: 'between'; request: Omit<BetweenRequest, 'cwd'> }
  | { kind: 'listen'; request: ListenRequest };

const version = (v?: '1.2' | '1.3') => (v ? (`TLSv${v}` as const) : undefined);

/**
 * Picks the mode from the options.
 * @throws MtlsError USAGE or USAGE_INVALID_VALUE (exit 2) for missing or conflicting options.
 */
export function probeOptions(raw: Record<string, unknown>, args: string[], path: (p: string) => string): ProbeMode {
  const o = raw as unknown as RawProbeOptions;
  const target = args[0];
  const versions = { minVersion: version(o.tlsMin), maxVersion: version(o.tlsMax) };
  if (o.tlsMin && o.tlsMax && o.tlsMin > o.tlsMax) throw usageError('USAGE', '--tls-min is above --tls-max', 'e.g. --tls-min 1.2 --tls-max 1.3');
  if (o.listen) {
    conflicts('--listen', { target, '--from': o.from, '--to': o.to, '--http': o.http, '--servername': o.servername });
    if (!o.cert || !o.key || !o.ca) throw usageError('USAGE', '--listen needs --cert, --key and --ca', 'mtlsctl probe --listen 127.0.0.1:8443 --cert chain.pem --key key.pem --ca ca.pem');
    return {
      kind: 'listen',
      request: { listen: parseTarget(o.listen, '--listen', undefined, true), cert: path(o.cert), key: path(o.key), ca: path(o.ca), count: count(o.count), timeoutMs: timeout(o.timeout, '30s'), ...versions },
    };
  }
  if (o.count !== undefined) throw usageError('USAGE', '--count only applies to --listen', 'add --listen HOST:PORT to serve and judge clients, or drop --count');
  if (o.from || o.to) {
    if (!o.from || !o.to) throw usageError('USAGE', '--from and --to go together', 'mtlsctl probe --from frontend --to checkoutservice');
    conflicts('--from/--to', { target, '--cert': o.cert, '--key': o.key, '--ca': o.ca, '--servername': o.servername, '--http': o.http });
    return { kind: 'between', request: { manifestFile: path(o.file), from: o.from, to: o.to, timeoutMs: timeout(o.timeout, '5s'), ...versions } };
  }
  // `--http HOST:PORT` swallows the target as a path: say that, not "needs HOST:PORT".
  if (!target && typeof o.http === 'string') httpPath(o.http);
  if (!target) throw usageError('USAGE', 'probe needs HOST:PORT, --from/--to or --listen', 'mtlsctl probe api.internal:8443 --cert chain.pem --key key.pem --ca ca.pem');
  if (Boolean(o.cert) !== Boolean(o.key)) throw usageError('USAGE', `${o.cert ? '--cert' : '--key'} needs ${o.cert ? '--key' : '--cert'} as well`, 'give both: --cert out/SERVICE/chain.pem --key out/SERVICE/key.pem, or neither');
  if (o.servername !== undefined) checkServername(o.servername);
  return {
    kind: 'client',
    request: {
      target: parseTarget(target, 'target', 443),
      servername: o.servername,
      files: { cert: o.cert && path(o.cert), key: o.key && path(o.key), ca: o.ca && path(o.ca) },
      timeoutMs: timeout(o.timeout, '5s'),
      httpPath: httpPath(o.http),
      ...versions,
    },
  };
}

function conflicts(mode: string, others: Record<string, unknown>): void {
  const given = Object.entries(others).filter(([, v]) => v !== undefined && v !== false).map(([k]) => (k === 'target' ? 'HOST:PORT' : k));
  const why = mode === '--listen' ? 'it judges clients with its own --cert, --key and --ca' : 'it takes the target, files and server name from the manifest';
  if (given.length > 0) throw usageError('USAGE', `${mode} cannot be combined with ${given.join(', ')}`, `drop ${given.join(', ')}: ${why}`);
}

/** setTimeout fires at once beyond 2^31-1 ms; a day is far more than any probe needs. */
const MAX_TIMEOUT_MS = 86_400_000;

function timeout(text: string | undefined, fallback: string): number {
  const ms = parseDuration(text ?? fallback);
  if (ms === undefined) throw usageError('USAGE_INVALID_VALUE', `--timeout ${JSON.stringify(text)} is not a duration above zero`, 'use a number and a unit: 5s, 30s, 2m');
  if (ms > MAX_TIMEOUT_MS) throw usageError('USAGE_INVALID_VALUE', `--timeout ${JSON.stringify(text)} is longer than a day`, 'use a shorter bound, e.g. 30s or 10m');
  return ms;
}

/** The request target goes into the request line verbatim: spaces or CR/LF would forge headers. */
function httpPath(value: string | boolean | undefined): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return '/';
  if (/^\/[\x21-\x7e]*$/.test(value)) return value;
  const hint = value.startsWith('/')
    ? 'percent-encode spaces and other special characters, e.g. /a%20b'
    : 'give a path such as /healthz; a bare --http takes the next word as its path, so write --http / before HOST:PORT';
  const why = value.startsWith('/') ? 'holds spaces or control characters' : 'does not start with /';
  throw usageError('USAGE_INVALID_VALUE', `--http path ${JSON.stringify(value)} ${why}`, hint);
}

/** SNI is a DNS name; an IP is allowed only as the name to verify the certificate against. */
function checkServername(name: string): void {
  if (isIP(name) || /^(?=.{1,253}$)[A-Za-z0-9_*]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/.test(name)) return;
  throw usageError('USAGE_INVALID_VALUE', `--servername ${JSON.stringify(name)} is not a DNS name`, 'give the name the server certificate carries, e.g. --servername api.internal');
}

function count(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw usageError('USAGE_INVALID_VALUE', `--count ${JSON.stringify(text)} is not a positive whole number`, 'e.g. --count 1 to judge one client and stop');
  return n;
}
