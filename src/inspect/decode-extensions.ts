/**
 * Decodes the extensions inspect reports (RFC 5280 4.2) from their DER
 * values, as read by der-reader. Unknown or malformed values decode to
 * undefined rather than failing the whole report.
 */
import { decodeOid, readChildren, readElement, type DerElement } from '../pki/der-reader.js';
import { KEY_USAGE_BITS, type KeyUsageName } from '../pki/extensions.js';

/** Subject alternative names by kind, as text. */
export interface SubjectAltNames {
  dns: string[];
  ip: string[];
  uri: string[];
  email: string[];
  /** Names of other kinds (directoryName, otherName...), by tag only. */
  other: string[];
}

/** basicConstraints: `pathLength` is null when absent. */
export interface BasicConstraints {
  ca: boolean;
  pathLength: number | null;
  critical: boolean;
}

/** nameConstraints subtrees as text ("DNS:.svc.local", "IP:10.0.0.0/8"). */
export interface NameConstraints {
  permitted: string[];
  excluded: string[];
}

/** Names of the keyUsage bits that are set. */
export function decodeKeyUsage(value: Buffer): KeyUsageName[] {
  const bits = readElement(value).content;
  const bytes = bits.subarray(1);
  const names: KeyUsageName[] = [];
  for (const [name, bit] of Object.entries(KEY_USAGE_BITS) as Array<[KeyUsageName, number]>) {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) names.push(name);
  }
  return names;
}

/** The extKeyUsage purposes as dotted OIDs. */
export function decodeExtKeyUsage(value: Buffer): string[] {
  return readChildren(readElement(value)).map((e) => decodeOid(e.content));
}

/** basicConstraints with its defaults filled in (cA FALSE, no path length). */
export function decodeBasicConstraints(value: Buffer, critical: boolean): BasicConstraints {
  let ca = false;
  let pathLength: number | null = null;
  for (const part of readChildren(readElement(value))) {
    if (part.tag === 0x01) ca = part.content[0] !== 0;
    if (part.tag === 0x02) pathLength = Number(BigInt('0x' + (part.content.toString('hex') || '0')));
  }
  return { ca, pathLength, critical };
}

/** The keyIdentifier of a subjectKeyIdentifier extension, as hex. */
export function decodeSubjectKeyId(value: Buffer): string {
  return readElement(value).content.toString('hex');
}

/** The keyIdentifier [0] of an authorityKeyIdentifier, as hex, or null. */
export function decodeAuthorityKeyId(value: Buffer): string | null {
  const id = readChildren(readElement(value)).find((e) => e.tag === 0x80);
  return id ? id.content.toString('hex') : null;
}

/** Every GeneralName in a subjectAltName, sorted by kind. */
export function decodeSubjectAltNames(value: Buffer): SubjectAltNames {
  const out: SubjectAltNames = { dns: [], ip: [], uri: [], email: [], other: [] };
  for (const name of readChildren(readElement(value))) {
    const tag = name.tag & 0x1f;
    if (tag === 1) out.email.push(ia5(name.content));
    else if (tag === 2) out.dns.push(ia5(name.content));
    else if (tag === 6) out.uri.push(ia5(name.content));
    else if (tag === 7) out.ip.push(formatIp(name.content));
    else out.other.push(GENERAL_NAME_KINDS[tag] ?? `tag${tag}`);
  }
  return out;
}

const GENERAL_NAME_KINDS: Record<number, string> = {
  0: 'otherName', 3: 'x400Address', 4: 'directoryName', 5: 'ediPartyName', 8: 'registeredID',
};

/** Permitted and excluded subtrees, each as "KIND:value". */
export function decodeNameConstraints(value: Buffer): NameConstraints {
  const out: NameConstraints = { permitted: [], excluded: [] };
  for (const part of readChildren(readElement(value))) {
    const list = (part.tag & 0x1f) === 0 ? out.permitted : out.excluded;
    for (const subtree of readChildren(part)) list.push(subtreeText(readChildren(subtree)[0]!));
  }
  return out;
}

function subtreeText(base: DerElement): string {
  const tag = base.tag & 0x1f;
  if (tag === 2) return `DNS:${ia5(base.content)}`;
  if (tag === 1) return `email:${ia5(base.content)}`;
  if (tag === 6) return `URI:${ia5(base.content)}`;
  if (tag === 7) {
    const half = base.content.length / 2;
    const prefix = prefixLength(base.content.subarray(half));
    return `IP:${formatIp(base.content.subarray(0, half))}/${prefix}`;
  }
  if (tag === 4) return 'dirName';
  return `${GENERAL_NAME_KINDS[tag] ?? `tag${tag}`}`;
}

function prefixLength(mask: Buffer): number {
  let bits = 0;
  for (const byte of mask) for (let b = 7; b >= 0; b--) if (byte & (1 << b)) bits++;
  return bits;
}

/** Formats 4 or 16 octets as an IPv4 or a compressed IPv6 address. */
export function formatIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return `0x${bytes.toString('hex')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  const text = groups.join(':');
  const runs = [...text.matchAll(/(?:^|:)0(?::0)+(?::|$)/g)];
  const longest = runs.sort((a, b) => b[0].length - a[0].length)[0];
  if (!longest) return text;
  const start = longest.index!;
  return `${text.slice(0, start)}::${text.slice(start + longest[0].length)}`;
}

/**
 * An IA5String name as text, with control characters escaped (`\u001b`):
 * a crafted certificate could otherwise clear the terminal or start a fake
 * "OK" line in the report. Node escapes subject and issuer the same way.
 */
function ia5(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
