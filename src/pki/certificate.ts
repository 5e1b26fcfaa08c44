/**
 * Builds and signs X.509 v3 certificates (RFC 5280 4.1) with node:crypto.
 * The to-be-signed structure is encoded directly, which keeps one leaf
 * under a millisecond of CPU besides its signature.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  bitString,
  explicit,
  NULL,
  oid,
  sequence,
  time,
  unsignedInteger,
  integer,
} from './der.js';
import { encodeExtension, type Extension } from './extensions.js';
import { OID } from './oids.js';
import { toPem } from './pem.js';

/** Everything a certificate states except its signature. */
export interface CertificateTemplate {
  serial: Buffer;
  /** DER Name of the issuer, byte for byte as in the issuer's subject. */
  issuer: Buffer;
  /** DER Name of the subject. */
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** DER SubjectPublicKeyInfo of the subject's key. */
  subjectPublicKeyInfo: Buffer;
  extensions: Extension[];
}

/** A signature algorithm: its AlgorithmIdentifier and the digest node:crypto uses. */
interface SignatureAlgorithm {
  identifier: Buffer;
  digest: string | null;
}

/**
 * The signature algorithm for an issuer key: the hash follows the key
 * (SHA-384 for P-384, SHA-256 for P-256 and RSA, none for Ed25519).
 * @throws RangeError for a key type mtlsctl cannot sign with.
 */
export function signatureAlgorithmFor(issuerKey: KeyObject): SignatureAlgorithm {
  const type = issuerKey.asymmetricKeyType;
  if (type === 'ec') {
    const p384 = issuerKey.asymmetricKeyDetails?.namedCurve === 'secp384r1';
    return p384
      ? { identifier: sequence(oid(OID.ecdsaWithSha384)), digest: 'sha384' }
      : { identifier: sequence(oid(OID.ecdsaWithSha256)), digest: 'sha256' };
  }
  if (type === 'rsa') {
    // RFC 4055: the parameters of sha256WithRSAEncryption are NULL.
    return { identifier: sequence(oid(OID.sha256WithRsa), NULL), digest: 'sha256' };
  }
  if (type === 'ed25519') {
    return { identifier: sequence(oid(OID.ed25519)), digest: null };
  }
  throw new RangeError(`cannot sign with a ${type} key`);
}

/** Encodes the tbsCertificate for a template and signature algorithm. */
export function encodeTbs(t: CertificateTemplate, algorithm: Buffer): Buffer {
  const fields = [
    explicit(0, integer(2)), // v3
    unsignedInteger(t.serial),
    algorithm,
    t.issuer,
    sequence(time(t.notBefore), time(t.notAfter)),
    t.subject,
    t.subjectPublicKeyInfo,
  ];
  if (t.extensions.length > 0) {
    fields.push(explicit(3, sequence(...t.extensions.map(encodeExtension))));
  }
  return sequence(...fields);
}

/** Signs a template with the issuer's key and returns the certificate DER. */
export function signCertificate(t: CertificateTemplate, issuerKey: KeyObject): Buffer {
  const algorithm = signatureAlgorithmFor(issuerKey);
  const tbs = encodeTbs(t, algorithm.identifier);
  const signature = sign(algorithm.digest, tbs, issuerKey);
  return sequence(tbs, algorithm.identifier, bitString(signature));
}

/**
 * A random serial number: 16 octets, positive, with 126 bits of entropy
 * (CA/B Forum asks for 64; RFC 5280 4.1.2.2 allows up to 20 octets).
 */
export function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

/** PEM of a certificate DER. */
export function certificatePem(der: Buffer): string {
  return toPem('CERTIFICATE', der);
}

