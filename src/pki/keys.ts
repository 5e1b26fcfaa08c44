/** Key generation, export and loading, all through node:crypto. */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { MtlsError, EXIT } from '../errors.js';
import { decodeOid, readChildren, readElement } from './der-reader.js';
import { parsePem } from './pem.js';
import type { KeyType } from './key-types.js';

const generate = promisify(generateKeyPair);

/** A private key with its public half. */
export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Generates a key pair of the given type. Runs on libuv's thread pool, so
 * several calls in flight use every core.
 */
export async function generateKey(type: KeyType): Promise<KeyPair> {
  switch (type) {
    case 'ecdsa-p256':
      return generate('ec', { namedCurve: 'prime256v1' });
    case 'ecdsa-p384':
      return generate('ec', { namedCurve: 'secp384r1' });
    case 'ed25519':
      return generate('ed25519');
    default:
      return generate('rsa', {
        modulusLength: Number(type.slice(4)),
        publicExponent: 0x10001,
      });
  }
}

/** Names the key type of a key, or undefined for one mtlsctl does not create. */
export function keyTypeOf(key: KeyObject): KeyType | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (details.namedCurve === 'prime256v1') return 'ecdsa-p256';
      if (details.namedCurve === 'secp384r1') return 'ecdsa-p384';
      return undefined;
    case 'ed25519':
      return 'ed25519';
    case 'rsa': {
      const bits = details.modulusLength;
      const type = `rsa-${bits}`;
      return type === 'rsa-2048' || type === 'rsa-3072' || type === 'rsa-4096'
        ? type
        : undefined;
    }
    default:
      return undefined;
  }
}

/** PKCS#8 PEM; encrypted with AES-256-CBC (PBES2, PBKDF2) when a passphrase is given. */
export function exportPrivateKey(key: KeyObject, passphrase?: string): string {
  if (passphrase === undefined) {
    return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
  return key.export({
    type: 'pkcs8',
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase,
  }) as string;
}

/** DER SubjectPublicKeyInfo of a public or private key. */
export function subjectPublicKeyInfo(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** True when a PEM private key is encrypted (needs a passphrase). */
export function isEncryptedKeyPem(pem: string): boolean {
  return pem.includes('ENCRYPTED PRIVATE KEY') || pem.includes('Proc-Type: 4,ENCRYPTED');
}

/**
 * Loads a PEM private key, decrypting it when it is encrypted.
 * @throws MtlsError PASSPHRASE_REQUIRED, PASSPHRASE_WRONG or PEM_UNPARSEABLE.
 */
export function loadPrivateKey(pem: string, file: string, passphrase?: string): KeyObject {
  const encrypted = isEncryptedKeyPem(pem);
  if (encrypted && passphrase === undefined) {
    throw new MtlsError('PASSPHRASE_REQUIRED', EXIT.usage, `${file} is encrypted and no passphrase was given`, {
      hint: 'pass --passphrase-file FILE or set MTLSCTL_CA_PASSPHRASE',
    });
  }
  if (encrypted) refuseCostlyKdf(pem, file);
  try {
    return createPrivateKey(encrypted ? { key: pem, passphrase } : { key: pem });
  } catch (cause) {
    if (encrypted) {
      throw new MtlsError('PASSPHRASE_WRONG', EXIT.badInput, `the passphrase does not open ${file}`, {
        hint: 'check the passphrase file or MTLSCTL_CA_PASSPHRASE',
        cause,
      });
    }
    throw new MtlsError('PEM_UNPARSEABLE', EXIT.badInput, `${file} holds no private key mtlsctl can read`, {
      hint: 'expected a PEM PKCS#8, PKCS#1 or SEC1 private key',
      cause,
    });
  }
}

/**
 * PBKDF2 rounds an encrypted key may ask for. Node writes 2048; the
 * derivation blocks the process, so a crafted 2,147,483,647 would hang
 * mtlsctl for half an hour before "wrong passphrase".
 */
export const MAX_KDF_ITERATIONS = 10_000_000;

const PBES2 = '1.2.840.113549.1.5.13';

/** @throws MtlsError INPUT_TOO_LARGE when a PKCS#8 key's PBKDF2 asks for more than MAX_KDF_ITERATIONS rounds. */
function refuseCostlyKdf(pem: string, file: string): void {
  const block = parsePem(pem).find((b) => b.label === 'ENCRYPTED PRIVATE KEY');
  if (!block) return;
  let count: bigint;
  try {
    // EncryptedPrivateKeyInfo { AlgorithmIdentifier { pbes2, { keyDerivationFunc { pbkdf2, { salt, iterationCount, ...} }, ... } }, data }
    const [algorithm] = readChildren(readElement(block.der));
    const [oid, params] = readChildren(algorithm!);
    if (decodeOid(oid!.content) !== PBES2) return;
    const [kdf] = readChildren(params!);
    const [, kdfParams] = readChildren(kdf!);
    const [, iterations] = readChildren(kdfParams!);
    count = BigInt('0x' + (iterations!.content.toString('hex') || '0'));
  } catch {
    return; // malformed: createPrivateKey says so
  }
  if (count <= BigInt(MAX_KDF_ITERATIONS)) return;
  throw new MtlsError('INPUT_TOO_LARGE', EXIT.badInput, `${file} asks for ${count} PBKDF2 rounds to decrypt; mtlsctl stops at ${MAX_KDF_ITERATIONS}`, {
    hint: 'encrypt the key again with a usual iteration count (openssl pkcs8 -topk8 uses 2048)',
  });
}
