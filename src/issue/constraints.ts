/**
 * Checks a manifest's names against the CA's name constraints before any
 * certificate is signed: a peer would reject a leaf outside them anyway,
 * with a far less helpful message.
 */
import { MtlsError, EXIT } from '../errors.js';
import { defaultDnsNames } from '../manifest/resolve.js';
import type { ServiceSpec } from '../manifest/types.js';

/** The permitted subtrees recorded in ca.json. */
export interface Permitted {
  dns: string[];
  /** URI constraints are hosts (RFC 5280 4.2.1.10). */
  uri: string[];
}

/** True when a DNS name lies inside a DNS constraint (RFC 5280: add labels on the left). */
export function dnsPermitted(name: string, base: string): boolean {
  const n = name.toLowerCase();
  const b = base.toLowerCase();
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
}

/** True when a URI's host lies inside a URI constraint (a leading dot means subdomains only). */
export function uriPermitted(uri: string, base: string): boolean {
  const host = uriHost(uri);
  if (host === undefined) return false;
  const b = base.toLowerCase();
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:@]+)/i.exec(uri);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Services with their automatic DNS names fitted to a CA's constraints, and what was left out. */
export interface FittedServices {
  services: ServiceSpec[];
  /** `service: name` of every automatic name left out. */
  leftOut: string[];
}

/**
 * Leaves out the automatic DNS names (name, name.ns, name.ns.svc, ...) that a
 * CA with DNS constraints may not certify: a user cannot remove them from
 * the manifest, and a leaf carrying them would fail every verifier. Names
 * listed under `dns:` stay, so assertPermitted still refuses those.
 */
export function fitDefaultNames(services: ServiceSpec[], permitted: Permitted, clusterDomain: string): FittedServices {
  if (permitted.dns.length === 0) return { services, leftOut: [] };
  const leftOut: string[] = [];
  const fitted = services.map((s) => {
    const listed = new Set(s.dnsListed ?? s.dns.filter((d) => !defaultDnsNames(s.name, s.namespace, clusterDomain).includes(d)));
    const automatic = new Set(defaultDnsNames(s.name, s.namespace, clusterDomain).filter((d) => !listed.has(d)));
    const outside = s.dns.filter((d) => automatic.has(d) && !permitted.dns.some((b) => dnsPermitted(d, b)));
    if (outside.length === 0) return s;
    leftOut.push(...outside.map((d) => `${s.name}: ${d}`));
    return { ...s, dns: s.dns.filter((d) => !outside.includes(d)) };
  });
  return { services: fitted, leftOut };
}

/** Lists each SAN of each service that the constraints do not permit, as `service: kind name`. */
export function constraintViolations(services: ServiceSpec[], permitted: Permitted): string[] {
  const out: string[] = [];
  for (const s of services) {
    if (permitted.dns.length > 0) {
      for (const d of s.dns) {
        if (!permitted.dns.some((b) => dnsPermitted(d, b))) out.push(`${s.name}: DNS name ${d} is outside ${permitted.dns.join(', ')}`);
      }
    }
    if (permitted.uri.length > 0) {
      for (const u of s.uri) {
        if (!permitted.uri.some((b) => uriPermitted(u, b))) out.push(`${s.name}: URI ${u} is outside the URI host ${permitted.uri.join(', ')}`);
      }
    }
  }
  return out;
}

/**
 * Refuses services whose SANs the CA may not certify.
 * @throws MtlsError SAN_NOT_PERMITTED listing every offending service and name.
 */
export function assertPermitted(services: ServiceSpec[], permitted: Permitted, caDir: string): void {
  const violations = constraintViolations(services, permitted);
  if (violations.length === 0) return;
  const first = violations[0]!;
  throw new MtlsError(
    'SAN_NOT_PERMITTED',
    EXIT.badInput,
    violations.length === 1
      ? `the CA in ${caDir} may not certify ${first}`
      : `the CA in ${caDir} may not certify ${violations.length} names; nothing was issued`,
    {
      hint: 'change the names in the manifest, or create a CA whose --permit-dns/--permit-uri cover them',
      details: violations.length === 1 ? [] : violations,
    },
  );
}

