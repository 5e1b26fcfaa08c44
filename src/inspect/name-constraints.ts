/**
 * RFC 5280 4.2.1.10 name constraint matching for the name kinds mtlsctl
 * meets: DNS, URI (by host), IP (by address range) and email.
 */
import { isIP } from 'node:net';
import { ipBytes } from '../pki/extensions.js';
import type { NameConstraints, SubjectAltNames } from './decode-extensions.js';

/** Returns the first SAN that the constraints forbid, as "KIND:value", or null. */
export function firstViolation(names: SubjectAltNames, nc: NameConstraints): string | null {
  const candidates: Array<[string, string]> = [
    ...names.dns.map((v): [string, string] => ['DNS', v]),
    ...names.uri.map((v): [string, string] => ['URI', v]),
    ...names.ip.map((v): [string, string] => ['IP', v]),
    ...names.email.map((v): [string, string] => ['email', v]),
  ];
  for (const [kind, value] of candidates) {
    const excluded = nc.excluded.filter((c) => c.startsWith(`${kind}:`));
    if (excluded.some((c) => matches(kind, value, c.slice(kind.length + 1)))) return `${kind}:${value}`;
    const permitted = nc.permitted.filter((c) => c.startsWith(`${kind}:`));
    // A kind without permitted subtrees is unconstrained (RFC 5280 4.2.1.10).
    if (permitted.length > 0 && !permitted.some((c) => matches(kind, value, c.slice(kind.length + 1)))) {
      return `${kind}:${value}`;
    }
  }
  return null;
}

function matches(kind: string, value: string, constraint: string): boolean {
  if (kind === 'DNS') return dnsWithin(value.toLowerCase(), constraint.toLowerCase());
  if (kind === 'URI') return hostWithin(uriHost(value), constraint.toLowerCase());
  if (kind === 'IP') return ipWithin(value, constraint);
  if (kind === 'email') return emailWithin(value.toLowerCase(), constraint.toLowerCase());
  return false;
}

/** DNS: the name itself or any name below it; a leading dot means below only. */
function dnsWithin(name: string, constraint: string): boolean {
  if (constraint === '') return true;
  if (constraint.startsWith('.')) return name.endsWith(constraint);
  return name === constraint || name.endsWith(`.${constraint}`);
}

/** URI constraints name a host: exact, or with a leading dot any host below. */
function hostWithin(host: string | null, constraint: string): boolean {
  if (host === null) return false;
  if (constraint.startsWith('.')) return host.endsWith(constraint);
  return host === constraint;
}

function uriHost(uri: string): string | null {
  try {
    return new URL(uri).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

function ipWithin(ip: string, cidr: string): boolean {
  const [base, prefix] = cidr.split('/');
  if (!base || prefix === undefined || !isIP(ip) || isIP(ip) !== isIP(base)) return false;
  const a = ipBytes(ip);
  const b = ipBytes(base);
  let bits = Number(prefix);
  for (let i = 0; i < a.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

function emailWithin(email: string, constraint: string): boolean {
  if (constraint.includes('@')) return email === constraint;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return constraint.startsWith('.') ? domain.endsWith(constraint) : domain === constraint;
}
