/** Certificate extensions (RFC 5280 4.2), encoded as mtlsctl issues them. */
import { createHash } from 'node:crypto';
import { isIPv4, isIP } from 'node:net';
import {
  bitString,
  boolean,
  implicitConstructed,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  sequence,
} from './der.js';
import { readChildren, readElement } from './der-reader.js';
import { OID } from './oids.js';

/** One extension ready to place in a certificate. */
export interface Extension {
  oid: string;
  critical: boolean;
  /** DER of the extension value (what the extnValue OCTET STRING holds). */
  value: Buffer;
}

/** Encodes the Extension SEQUENCE. */
export function encodeExtension(ext: Extension): Buffer {
  return ext.critical
    ? sequence(oid(ext.oid), boolean(true), octetString(ext.value))
    : sequence(oid(ext.oid), octetString(ext.value));
}

/** basicConstraints: critical, as CAs need and harmless on leaves. */
export function basicConstraints(ca: boolean, pathLength?: number): Extension {
  const parts = ca ? [boolean(true)] : [];
  if (ca && pathLength !== undefined) parts.push(integer(pathLength));
  return { oid: OID.basicConstraints, critical: true, value: sequence(...parts) };
}

/** Key usage bit positions (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

export type KeyUsageName = keyof typeof KEY_USAGE_BITS;

/** keyUsage, critical; a named-bit list with trailing zero bits removed (X.690 11.2.2). */
export function keyUsage(usages: KeyUsageName[]): Extension {
  const bits = usages.map((u) => KEY_USAGE_BITS[u]);
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const unused = 7 - (highest % 8);
  return { oid: OID.keyUsage, critical: true, value: bitString(bytes, unused) };
}

/** extendedKeyUsage from purpose OIDs. */
export function extKeyUsage(purposes: string[]): Extension {
  return {
    oid: OID.extKeyUsage,
    critical: false,
    value: sequence(...purposes.map((p) => oid(p))),
  };
}

/** The key identifier of RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Buffer): Buffer {
  const [, key] = readChildren(readElement(spki));
  // Skip the BIT STRING's unused-bits octet.
  return createHash('sha1').update(key!.content.subarray(1)).digest();
}

/** subjectKeyIdentifier. */
export function subjectKeyIdentifier(id: Buffer): Extension {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: octetString(id) };
}

/** authorityKeyIdentifier holding the issuer's key identifier only. */
export function authorityKeyIdentifier(id: Buffer): Extension {
  return {
    oid: OID.authorityKeyIdentifier,
    critical: false,
    value: sequence(implicitPrimitive(0, id)),
  };
}

/** Subject alternative names by type. */
export interface AltNames {
  dns?: string[];
  ip?: string[];
  uri?: string[];
  email?: string[];
}

/** Encodes one GeneralName of each kind mtlsctl uses. */
function generalNames(names: AltNames): Buffer[] {
  return [
    ...(names.email ?? []).map((e) => implicitPrimitive(1, Buffer.from(e, 'ascii'))),
    ...(names.dns ?? []).map((d) => implicitPrimitive(2, Buffer.from(d, 'ascii'))),
    ...(names.uri ?? []).map((u) => implicitPrimitive(6, Buffer.from(u, 'ascii'))),
    ...(names.ip ?? []).map((ip) => implicitPrimitive(7, ipBytes(ip))),
  ];
}

/** subjectAltName; critical when the subject is empty (never, for mtlsctl). */
export function subjectAltName(names: AltNames): Extension {
  return {
    oid: OID.subjectAltName,
    critical: false,
    value: sequence(...generalNames(names)),
  };
}

/**
 * nameConstraints with permitted subtrees only, critical as RFC 5280 4.2.1.10
 * requires. URI constraints name a host (`cluster.local`), per the RFC.
 */
export function nameConstraints(permitted: { dns?: string[]; uri?: string[] }): Extension {
  const subtrees = [
    ...(permitted.dns ?? []).map((d) => implicitPrimitive(2, Buffer.from(d, 'ascii'))),
    ...(permitted.uri ?? []).map((u) => implicitPrimitive(6, Buffer.from(u, 'ascii'))),
  ].map((name) => sequence(name));
  return {
    oid: OID.nameConstraints,
    critical: true,
    value: sequence(implicitConstructed(0, Buffer.concat(subtrees))),
  };
}

/** IPv4 or IPv6 address as 4 or 16 octets. */
export function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (isIP(ip) !== 6) throw new RangeError(`not an IP address: ${ip}`);
  const [head = '', tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
  const groups = (s: string) => (s ? s.split(':') : []);
  let left = groups(head);
  let right = groups(tail);
  const expand = (parts: string[]) =>
    parts.flatMap((p) => (p.includes('.') ? ipv4Groups(p) : [p]));
  left = expand(left);
  right = expand(right);
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function ipv4Groups(v4: string): string[] {
  const b = v4.split('.').map(Number);
  return [((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)];
}
