/**
 * TLS 1.3 record protection (RFC 8446 5.2, 5.3, 7.1, 7.3), just enough for a
 * client to read its own session's records from the secrets Node's `keylog`
 * event hands out. `crypto.hkdfSync` always runs HKDF-Extract first, so
 * HKDF-Expand is written here with HMAC (RFC 5869 2.3).
 */
import { createDecipheriv, createHmac } from 'node:crypto';

/** What a TLS 1.3 cipher suite needs for record decryption. */
export interface Tls13Suite {
  name: string;
  hash: 'sha256' | 'sha384';
  hashLength: number;
  algorithm: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  keyLength: number;
}

/** The three suites OpenSSL enables by default, by their IANA numbers. */
export const TLS13_SUITES: Readonly<Record<number, Tls13Suite>> = {
  0x1301: {
    name: 'TLS_AES_128_GCM_SHA256',
    hash: 'sha256',
    hashLength: 32,
    algorithm: 'aes-128-gcm',
    keyLength: 16,
  },
  0x1302: {
    name: 'TLS_AES_256_GCM_SHA384',
    hash: 'sha384',
    hashLength: 48,
    algorithm: 'aes-256-gcm',
    keyLength: 32,
  },
  0x1303: {
    name: 'TLS_CHACHA20_POLY1305_SHA256',
    hash: 'sha256',
    hashLength: 32,
    algorithm: 'chacha20-poly1305',
    keyLength: 32,
  },
};

const TAG_LENGTH = 16;
const IV_LENGTH = 12;

/** HKDF-Expand (RFC 5869 2.3) of `length` bytes from a pseudorandom key. */
export function hkdfExpand(hash: string, prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 1, produced = 0; produced < length; i++) {
    previous = createHmac(hash, prk)
      .update(Buffer.concat([previous, info, Buffer.of(i)]))
      .digest();
    blocks.push(previous);
    produced += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** HKDF-Expand-Label (RFC 8446 7.1): the label gets the "tls13 " prefix. */
export function hkdfExpandLabel(
  hash: string,
  secret: Buffer,
  label: string,
  context: Buffer,
  length: number,
): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([
    Buffer.of(length >> 8, length & 0xff, fullLabel.length),
    fullLabel,
    Buffer.of(context.length),
    context,
  ]);
  return hkdfExpand(hash, secret, info, length);
}

/** Write key and IV derived from one traffic secret, with a record counter. */
export interface TrafficKeys {
  suite: Tls13Suite;
  secret: Buffer;
  key: Buffer;
  iv: Buffer;
  /** Sequence number of the next record under these keys. */
  sequence: bigint;
}

/** Derives [sender]_write_key and _iv from a traffic secret (RFC 8446 7.3). */
export function deriveTrafficKeys(suite: Tls13Suite, secret: Buffer): TrafficKeys {
  return {
    suite,
    secret,
    key: hkdfExpandLabel(suite.hash, secret, 'key', Buffer.alloc(0), suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', Buffer.alloc(0), IV_LENGTH),
    sequence: 0n,
  };
}

/** The keys after a KeyUpdate (RFC 8446 7.2): a fresh secret, counter reset. */
export function updateTrafficKeys(keys: TrafficKeys): TrafficKeys {
  const { suite } = keys;
  const next = hkdfExpandLabel(
    suite.hash,
    keys.secret,
    'traffic upd',
    Buffer.alloc(0),
    suite.hashLength,
  );
  return deriveTrafficKeys(suite, next);
}

/** A decrypted TLSInnerPlaintext: the real content type and its content. */
export interface InnerPlaintext {
  type: number;
  content: Buffer;
}

/**
 * Decrypts one protected record and advances the counter.
 * The nonce is the IV XOR the sequence number (RFC 8446 5.3), the record
 * header is the additional data, and zero padding precedes the real type.
 * @throws Error when the record does not authenticate under these keys.
 */
export function decryptRecord(keys: TrafficKeys, header: Buffer, payload: Buffer): InnerPlaintext {
  if (payload.length < TAG_LENGTH + 1) throw new Error('protected record too short');
  const nonce = recordNonce(keys.iv, keys.sequence);
  // ChaCha20-Poly1305 takes the same AEAD calls as GCM; the cast picks that overload.
  const algorithm = keys.suite.algorithm as 'aes-128-gcm';
  const decipher = createDecipheriv(algorithm, keys.key, nonce, { authTagLength: TAG_LENGTH });
  decipher.setAAD(header, { plaintextLength: payload.length - TAG_LENGTH });
  decipher.setAuthTag(payload.subarray(payload.length - TAG_LENGTH));
  const plain = Buffer.concat([
    decipher.update(payload.subarray(0, payload.length - TAG_LENGTH)),
    decipher.final(),
  ]);
  keys.sequence += 1n;
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) throw new Error('protected record holds only padding');
  return { type: plain[end - 1]!, content: plain.subarray(0, end - 1) };
}

function recordNonce(iv: Buffer, sequence: bigint): Buffer {
  const nonce = Buffer.from(iv);
  let seq = sequence;
  for (let i = nonce.length - 1; i >= nonce.length - 8; i--) {
    nonce[i]! ^= Number(seq & 0xffn);
    seq >>= 8n;
  }
  return nonce;
}
