/**
 * Checks of single manifest values. Each returns undefined when the value is
 * fine, or a message `what is wrong; fix` that names the value.
 */
import { isIP } from 'node:net';
import { parseDuration } from '../time/duration.js';

/** An RFC 1123 label: what Kubernetes accepts as a Service or namespace name. */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A label as it may appear inside a DNS name (any case checked separately). */
const NAME_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** An environment variable name as POSIX shells accept it. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A URI scheme (RFC 3986 section 3.1). */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

const q = (value: string) => JSON.stringify(value);

/** Suggests a lower-case, dash-only spelling of a name. */
function tidy(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
}

/** Checks a DNS label such as a service name or namespace. */
export function checkDnsLabel(value: string): string | undefined {
  if (LABEL.test(value)) return undefined;
  const why = value.length > 63 ? `is ${value.length} characters long (at most 63)` : 'is not a DNS label';
  const fix = tidy(value).replace(/\./g, '-').slice(0, 63);
  return `${q(value)} ${why}; use lowercase letters, digits and '-', starting and ending with a letter or digit${fix && fix !== value ? `, e.g. ${q(fix)}` : ''}`;
}

/** Checks a DNS name for a certificate SAN; a leading `*.` wildcard label is allowed. */
export function checkDnsName(value: string, what = 'DNS name'): string | undefined {
  const why = dnsNameFault(value);
  if (why === undefined) return undefined;
  const fix = tidy(value);
  return `${q(value)} is not a valid ${what}: ${why}; write a name such as shop.example.com${fix && fix !== value && dnsNameFault(fix) === undefined ? ` (perhaps ${q(fix)})` : ''}`;
}

function dnsNameFault(value: string): string | undefined {
  if (value === '') return 'it is empty';
  if (value.length > 253) return 'it is longer than 253 characters';
  if (value.endsWith('.')) return 'it ends with a dot';
  if (value !== value.toLowerCase()) return 'it has upper-case letters';
  if (isIP(value) !== 0) return 'it is an IP address (put it under ip)';
  const labels = value.split('.');
  for (const [i, label] of labels.entries()) {
    if (i === 0 && label === '*' && labels.length > 2) continue;
    if (label === '') return 'it has an empty label';
    if (label.length > 63) return `the label ${q(label)} is longer than 63 characters`;
    if (!NAME_LABEL.test(label)) return `the label ${q(label)} may hold only letters, digits and inner '-'`;
  }
  return undefined;
}

/** Checks an IPv4 or IPv6 address. */
export function checkIp(value: string): string | undefined {
  if (isIP(value) !== 0 && !value.includes('%')) return undefined;
  const hint = value.includes('/') ? ' without a prefix length' : value.includes('%') ? ' without a zone' : '';
  return `${q(value)} is not an IP address; write an IPv4 address such as 10.0.0.5 or an IPv6 address such as fd00::5${hint}`;
}

/**
 * An IP address in one spelling, so that SANs compare as strings: IPv6 in
 * the short lower-case form of RFC 5952 (via the WHATWG URL serialiser),
 * IPv4 unchanged. Expects an address that passed checkIp.
 */
export function canonicalIp(value: string): string {
  if (isIP(value) !== 6) return value;
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}

/** Checks an absolute URI such as spiffe://cluster.local/ns/default/sa/api. */
export function checkUri(value: string): string | undefined {
  if (!SCHEME.test(value)) {
    return `${q(value)} is not an absolute URI; start it with a scheme, e.g. spiffe://cluster.local/ns/default/sa/api`;
  }
  if (/\s/.test(value) || !URL.canParse(value)) {
    return `${q(value)} is not a valid URI; remove spaces and percent-encode special characters`;
  }
  return undefined;
}

/**
 * Checks an extra URI SAN. The SPIFFE ID is derived, never listed: an
 * X.509-SVID carries exactly one, and peers reject a second.
 */
export function checkExtraUri(value: string): string | undefined {
  const fault = checkUri(value);
  if (fault !== undefined) return fault;
  if (!/^spiffe:/i.test(value)) return undefined;
  return `${q(value)} would be a second SPIFFE ID, and an X.509-SVID holds exactly one; remove it: mtlsctl adds spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount> itself (set trustDomain, namespace or serviceAccount to change it)`;
}

/** Checks a duration such as 90d, 8760h or 1h30m. */
export function checkDuration(value: string): string | undefined {
  if (parseDuration(value) !== undefined) return undefined;
  return `${q(value)} is not a duration; use a number and a unit, e.g. 90d, 8760h, 1y or 1h30m (units y w d h m s)`;
}

/** Checks the name of an environment variable. */
export function checkEnvName(value: string): string | undefined {
  if (ENV_NAME.test(value)) return undefined;
  return `${q(value)} is not an environment variable name; use letters, digits and '_', e.g. MTLSCTL_P12_PASSWORD`;
}

/** Checks a SPIFFE trust domain (lowercase letters, digits, '.', '-', '_'). */
export function checkTrustDomain(value: string): string | undefined {
  if (/^[a-z0-9._-]+$/.test(value) && !value.startsWith('.') && !value.endsWith('.')) return undefined;
  return `${q(value)} is not a SPIFFE trust domain; use lowercase letters, digits, '.', '-' and '_', e.g. cluster.local or example.org`;
}

/** Checks a Kubernetes service account name (an RFC 1123 subdomain). */
export function checkServiceAccount(value: string): string | undefined {
  if (value.length <= 253 && value.split('.').every((l) => LABEL.test(l))) return undefined;
  return `${q(value)} is not a service account name; use lowercase letters, digits, '-' and '.'${tidy(value) ? `, e.g. ${q(tidy(value))}` : ''}`;
}

/** Checks a path written in the manifest (not empty). */
export function checkPath(value: string): string | undefined {
  return value.trim() === '' ? 'the path is empty; write a directory or file path, e.g. pki' : undefined;
}
