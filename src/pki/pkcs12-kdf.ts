/**
 * The PKCS#12 key derivation of RFC 7292 appendix B.2, which derives MAC keys
 * (and the legacy 3DES keys) from a password. PBES2 uses PBKDF2 instead.
 */
import { createHash } from 'node:crypto';

/** Purpose byte of appendix B.3: what the derived bytes are for. */
export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

const BLOCK_BYTES: Record<string, number> = { sha1: 64, sha256: 64 };

/** The password as a BMPString (UTF-16BE) with a two-octet terminator (appendix B.1). */
export function bmpPassword(password: string): Buffer {
  const le = Buffer.from(`${password}\0`, 'utf16le');
  return Buffer.from(le).swap16();
}

/** Repeats `data` to fill a multiple of `v` octets (empty stays empty). */
function fill(data: Buffer, v: number): Buffer {
  if (data.length === 0) return data;
  const out = Buffer.alloc(v * Math.ceil(data.length / v));
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length]!;
  return out;
}

/** Adds B + 1 to the v-octet block of I at `offset`, modulo 2^(8v). */
function addBlock(I: Buffer, offset: number, B: Buffer, v: number): void {
  let carry = 1;
  for (let k = v - 1; k >= 0; k--) {
    const sum = I[offset + k]! + B[k]! + carry;
    I[offset + k] = sum & 0xff;
    carry = sum >> 8;
  }
}

/**
 * Derives `length` octets for `purpose` from a password, salt and iteration count.
 * @param hash 'sha1' or 'sha256'
 */
export function pkcs12Kdf(hash: 'sha1' | 'sha256', password: string, salt: Buffer, iterations: number, purpose: number, length: number): Buffer {
  const v = BLOCK_BYTES[hash]!;
  const D = Buffer.alloc(v, purpose);
  const I = Buffer.concat([fill(salt, v), fill(bmpPassword(password), v)]);
  const blocks: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    blocks.push(A);
    produced += A.length;
    if (produced >= length) break;
    const B = fill(A, v);
    for (let j = 0; j < I.length; j += v) addBlock(I, j, B, v);
  }
  return Buffer.concat(blocks).subarray(0, length);
}
