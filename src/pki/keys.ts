/** Key generation, export and loading, all through node:crypto. */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { MtlsError, EXIT } from '../errors.js';
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
