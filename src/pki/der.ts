/**
 * A minimal DER encoder for the structures mtlsctl builds (certificates,
 * PKCS#12). It writes only the definite-length, canonical forms that X.690
 * requires for DER; it never parses.
 */

/** Encodes a DER length: short form below 128, long form above. */
export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Wraps content in a tag-length-value triple. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.of(tag), encodeLength(content.length), content]);
}

/** SEQUENCE of already-encoded elements. */
export function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

/** SET OF already-encoded elements, sorted as DER requires (X.690 11.6). */
export function setOf(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat([...items].sort(Buffer.compare)));
}

/** Explicitly tagged, constructed context-specific element `[n]`. */
export function explicit(n: number, inner: Buffer): Buffer {
  return tlv(0xa0 | n, inner);
}

/** Implicitly tagged, primitive context-specific element `[n]`. */
export function implicitPrimitive(n: number, content: Buffer): Buffer {
  return tlv(0x80 | n, content);
}

/** Implicitly tagged, constructed context-specific element `[n]`. */
export function implicitConstructed(n: number, content: Buffer): Buffer {
  return tlv(0xa0 | n, content);
}

/** BOOLEAN. */
export function boolean(value: boolean): Buffer {
  return Buffer.of(0x01, 0x01, value ? 0xff : 0x00);
}

/** NULL. */
export const NULL = Buffer.of(0x05, 0x00);

/** INTEGER from a non-negative number or bigint. */
export function integer(value: number | bigint): Buffer {
  let n = BigInt(value);
  if (n < 0n) throw new RangeError('negative INTEGER is not supported');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (n > 0n);
  return unsignedInteger(Buffer.from(bytes));
}

/** INTEGER from unsigned big-endian bytes; adds a sign octet when needed. */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const content =
    trimmed[0]! & 0x80 ? Buffer.concat([Buffer.of(0), trimmed]) : trimmed;
  return tlv(0x02, content);
}

/** OBJECT IDENTIFIER from dotted notation. */
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  if (arcs.length < 2) throw new RangeError(`invalid OID ${dotted}`);
  const out: number[] = [];
  const first = arcs[0]! * 40n + arcs[1]!;
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let n = arc >> 7n; n > 0n; n >>= 7n) chunk.unshift(Number(n & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  const encoded = tlv(0x06, Buffer.from(out));
  oidCache.set(dotted, encoded);
  return encoded;
}
const oidCache = new Map<string, Buffer>();

/** BIT STRING with the given number of unused bits in the last octet. */
export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.of(unusedBits), bytes]));
}

/** OCTET STRING. */
export function octetString(bytes: Buffer): Buffer {
  return tlv(0x04, bytes);
}

/** UTF8String. */
export function utf8String(text: string): Buffer {
  return tlv(0x0c, Buffer.from(text, 'utf8'));
}

/** PrintableString; the caller checks the character set. */
export function printableString(text: string): Buffer {
  return tlv(0x13, Buffer.from(text, 'ascii'));
}

/** BMPString (UTF-16BE), used by PKCS#12 friendly names. */
export function bmpString(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return tlv(0x1e, le.swap16());
}

/**
 * Time as RFC 5280 4.1.2.5 requires: UTCTime through 2049, GeneralizedTime
 * from 2050 on, always in seconds and Zulu.
 */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  // toISOString writes +010000-… past 9999, which no decoder accepts; callers validate first.
  if (!(year >= 0 && year <= 9999)) throw new RangeError(`cannot encode the time ${String(date)}: the year must be 0 to 9999`);
  const iso = date.toISOString(); // 2026-12-03T16:40:32.420Z
  const digits =
    iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) +
    iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  if (year >= 1950 && year < 2050) {
    return tlv(0x17, Buffer.from(digits.slice(2), 'ascii'));
  }
  return tlv(0x18, Buffer.from(digits, 'ascii'));
}
