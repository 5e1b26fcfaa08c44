/**
 * Writes PKCS#12 (RFC 7292) files: one shrouded key bag and the certificate
 * chain in cert bags. Default protection is PBES2 (PBKDF2-HMAC-SHA256,
 * AES-256-CBC) with an HMAC-SHA256 MAC; `legacy` uses 3DES and a SHA-1 MAC for
 * old consumers. node-forge cannot read ECDSA certificates, hence our own encoder.
 */
import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes, type KeyObject } from 'node:crypto';
import { bmpString, explicit, implicitPrimitive, integer, NULL, octetString, oid, sequence, setOf } from './der.js';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';

/** What goes into a PKCS#12 file. */
export interface Pkcs12Input {
  key: KeyObject;
  /** DER certificates, the key's certificate first. */
  certs: Buffer[];
  password: string;
  friendlyName: string;
  legacy: boolean;
}

const P12_OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** PBKDF2 rounds for PBES2; the MAC and legacy KDF use OpenSSL's default of 2048. */
const PBKDF2_ITERATIONS = 10_000;
const KDF_ITERATIONS = 2048;

/** Encrypts with the profile's cipher; returns the AlgorithmIdentifier and ciphertext. */
function encrypt(plain: Buffer, password: string, legacy: boolean): { algorithm: Buffer; data: Buffer } {
  const salt = randomBytes(legacy ? 8 : 16);
  if (legacy) {
    const key = pkcs12Kdf('sha1', password, salt, KDF_ITERATIONS, KDF_PURPOSE.key, 24);
    const iv = pkcs12Kdf('sha1', password, salt, KDF_ITERATIONS, KDF_PURPOSE.iv, 8);
    const c = createCipheriv('des-ede3-cbc', key, iv);
    const algorithm = sequence(oid(P12_OID.pbeSha3Des), sequence(octetString(salt), integer(KDF_ITERATIONS)));
    return { algorithm, data: Buffer.concat([c.update(plain), c.final()]) };
  }
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, PBKDF2_ITERATIONS, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  const kdf = sequence(
    oid(P12_OID.pbkdf2),
    sequence(octetString(salt), integer(PBKDF2_ITERATIONS), sequence(oid(P12_OID.hmacWithSha256), NULL)),
  );
  const algorithm = sequence(oid(P12_OID.pbes2), sequence(kdf, sequence(oid(P12_OID.aes256Cbc), octetString(iv))));
  return { algorithm, data: Buffer.concat([c.update(plain), c.final()]) };
}

function attribute(type: string, value: Buffer): Buffer {
  return sequence(oid(type), setOf(value));
}

function safeBag(type: string, value: Buffer, attributes: Buffer[]): Buffer {
  const parts = [oid(type), explicit(0, value)];
  if (attributes.length > 0) parts.push(setOf(...attributes));
  return sequence(...parts);
}

function dataContentInfo(content: Buffer): Buffer {
  return sequence(oid(P12_OID.data), explicit(0, octetString(content)));
}

function encryptedContentInfo(content: Buffer, password: string, legacy: boolean): Buffer {
  const { algorithm, data } = encrypt(content, password, legacy);
  const encrypted = sequence(integer(0), sequence(oid(P12_OID.data), algorithm, implicitPrimitive(0, data)));
  return sequence(oid(P12_OID.encryptedData), explicit(0, encrypted));
}

function macData(authSafe: Buffer, password: string, legacy: boolean): Buffer {
  const hash = legacy ? 'sha1' : 'sha256';
  const salt = randomBytes(legacy ? 8 : 16);
  const key = pkcs12Kdf(hash, password, salt, KDF_ITERATIONS, KDF_PURPOSE.mac, legacy ? 20 : 32);
  const digest = createHmac(hash, key).update(authSafe).digest();
  const algorithm = sequence(oid(legacy ? P12_OID.sha1 : P12_OID.sha256), NULL);
  return sequence(sequence(algorithm, octetString(digest)), octetString(salt), integer(KDF_ITERATIONS));
}

/** Builds the DER of a password-protected PKCS#12 file. */
export function buildPkcs12(input: Pkcs12Input): Buffer {
  const [leaf] = input.certs;
  if (!leaf) throw new RangeError('a PKCS#12 file needs the key\'s certificate');
  // localKeyId ties the key to its certificate; a hash of the certificate, as OpenSSL and Java do.
  const keyId = createHash('sha1').update(leaf).digest();
  const leafAttributes = [attribute(P12_OID.friendlyName, bmpString(input.friendlyName)), attribute(P12_OID.localKeyId, octetString(keyId))];

  const certBags = input.certs.map((der, i) =>
    safeBag(P12_OID.certBag, sequence(oid(P12_OID.x509Certificate), explicit(0, octetString(der))), i === 0 ? leafAttributes : []),
  );
  const pkcs8 = input.key.export({ type: 'pkcs8', format: 'der' });
  const shrouded = encrypt(pkcs8, input.password, input.legacy);
  const keyBag = safeBag(P12_OID.shroudedKeyBag, sequence(shrouded.algorithm, octetString(shrouded.data)), leafAttributes);

  const authSafe = sequence(
    encryptedContentInfo(sequence(...certBags), input.password, input.legacy),
    dataContentInfo(sequence(keyBag)),
  );
  return sequence(integer(3), dataContentInfo(authSafe), macData(authSafe, input.password, input.legacy));
}
