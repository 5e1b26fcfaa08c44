/** Reading and comparing the subject alternative names of issued certificates. */
import { readChildren, readElement } from '../pki/der-reader.js';
import { ipBytes } from '../pki/extensions.js';

/** SANs by kind, as a manifest states them. */
export interface SanSet {
  dns: string[];
  ip: string[];
  uri: string[];
}

/** Decodes a subjectAltName extension value into DNS, IP and URI names. */
export function decodeSans(value: Buffer): SanSet {
  const out: SanSet = { dns: [], ip: [], uri: [] };
  for (const name of readChildren(readElement(value))) {
    if (name.tag === 0x82) out.dns.push(name.content.toString('ascii'));
    else if (name.tag === 0x86) out.uri.push(name.content.toString('ascii'));
    else if (name.tag === 0x87) out.ip.push(formatIp(name.content));
  }
  return out;
}

/** Formats 4 or 16 address octets (IPv6 without zero compression, for messages). */
export function formatIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** Says which names were added and removed, e.g. `dns +a.b -c.d`; empty when equal. */
export function describeSanChange(wanted: SanSet, current: SanSet): string {
  const parts: string[] = [];
  for (const kind of ['dns', 'ip', 'uri'] as const) {
    const norm = (v: string) => (kind === 'ip' ? ipKey(v) : v.toLowerCase());
    const have = new Set(current[kind].map(norm));
    const want = new Set(wanted[kind].map(norm));
    const added = wanted[kind].filter((v) => !have.has(norm(v)));
    const removed = current[kind].filter((v) => !want.has(norm(v)));
    if (added.length + removed.length === 0) continue;
    parts.push(`${kind} ${[...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`)].join(' ')}`);
  }
  return parts.join(', ');
}

function ipKey(ip: string): string {
  try {
    return ipBytes(ip).toString('hex');
  } catch {
    return ip;
  }
}
