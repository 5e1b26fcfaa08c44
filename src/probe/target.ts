/** Parses probe addresses: `host:port`, `[v6]:port`, `host` (port 443). */
import { isIP } from 'node:net';
import { usageError } from '../errors.js';

/** A host and port to connect to or listen on. */
export interface Target {
  host: string;
  port: number;
}

/**
 * Parses `HOST:PORT`, `[V6]:PORT` or `HOST` (port defaults to `defaultPort`).
 * Port 0 only makes sense for `--listen` (the system picks one): `anyPort` allows it.
 * @throws MtlsError USAGE_INVALID_VALUE for anything else.
 */
export function parseTarget(text: string, option: string, defaultPort?: number, anyPort = false): Target {
  const bracketed = /^\[([0-9a-fA-F:.%\w-]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:[\]\s]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  if (bracketed && isIP(bracketed[1]!) !== 6) throw invalid(text, option);
  if (!match) throw invalid(text, option, isIP(text) === 6 ? `write IPv6 addresses in brackets: [${text}]:443` : undefined);
  if (!bracketed && !isIP(match[1]!) && !plausibleHostName(match[1]!)) {
    throw usageError('USAGE_INVALID_VALUE', `${option} host ${JSON.stringify(clip(match[1]!))} is not a valid host name`, 'a DNS name has dot-separated labels of 1-63 characters, 253 in all, e.g. api.internal');
  }
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) throw invalid(text, option, 'give a port from 1 to 65535: HOST:PORT');
  if (port === 0 && !anyPort) throw usageError('USAGE_INVALID_VALUE', `${option} ${JSON.stringify(text)} has port 0, which nothing can be connected to`, 'give the port the service listens on, e.g. api.internal:8443');
  return { host: match[1]!, port };
}

/** `host:port`, with brackets for IPv6. */
export function formatTarget(target: Target): string {
  return isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/** getaddrinfo answers EINVAL (not "not found") for these, which reads like a network fault. */
function plausibleHostName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => label.length > 0 && label.length <= 63);
}

const clip = (text: string) => (text.length > 70 ? `${text.slice(0, 67)}...` : text);

function invalid(text: string, option: string, hint?: string) {
  return usageError('USAGE_INVALID_VALUE', `${option} ${JSON.stringify(clip(text))} is not HOST:PORT`, hint ?? 'examples: api.internal:443, 10.0.0.7:8443, [::1]:8443');
}
