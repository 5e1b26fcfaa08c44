/**
 * The public half of a PKCS#8 private key read straight from its DER, without
 * OpenSSL's decoder (which costs about 0.3 ms per key: too slow when a no-op
 * `issue` checks a thousand keys against their certificates).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { bitString, sequence, NULL, oid } from './der.js';
import { decodeOid, readChildren, readElement } from './der-reader.js';
import type { KeyType } from './key-types.js';
import { keyTypeOf } from './keys.js';

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const CURVES: Record<string, KeyType> = { '1.2.840.10045.3.1.7': 'ecdsa-p256', '1.3.132.0.34': 'ecdsa-p384' };

/** A key's SubjectPublicKeyInfo and type. */
export interface PublicSide {
  spki: Buffer;
  type: KeyType | undefined;
}

/**
 * Derives the SubjectPublicKeyInfo of a PKCS#8 DER key: EC keys carry their
 * public point, RSA keys their modulus and exponent; other keys go through
 * node:crypto.
 * @throws Error when the DER is not a readable private key.
 */
export function publicSideOfPkcs8(der: Buffer): PublicSide {
  try {
    const fast = fastPath(der);
    if (fast) return fast;
  } catch {
    // Not the shape the fast path knows; node:crypto decides below.
  }
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { spki: createPublicKey(key).export({ type: 'spki', format: 'der' }), type: keyTypeOf(key) };
}

function fastPath(der: Buffer): PublicSide | undefined {
  const [, algorithm, privateKey] = readChildren(readElement(der));
  if (!algorithm || !privateKey) return undefined;
  const [algOid, params] = readChildren(algorithm);
  const alg = decodeOid(algOid!.content);
  if (alg === EC_PUBLIC_KEY && params?.tag === 0x06) {
    const type = CURVES[decodeOid(params.content)];
    const point = readChildren(readElement(privateKey.content)).find((e) => e.tag === 0xa1);
    if (!type || !point) return undefined;
    return { spki: sequence(algorithm.raw, readElement(point.content).raw), type };
  }
  if (alg === RSA_ENCRYPTION) {
    const [, n, e] = readChildren(readElement(privateKey.content));
    if (!n || !e) return undefined;
    const modulus = n.content[0] === 0 ? n.content.subarray(1) : n.content;
    const bits = modulus.length * 8;
    const type = (['rsa-2048', 'rsa-3072', 'rsa-4096'] as const).find((t) => t === `rsa-${bits}`);
    const spki = sequence(sequence(oid(RSA_ENCRYPTION), NULL), bitString(sequence(n.raw, e.raw)));
    return { spki, type };
  }
  return undefined;
}
