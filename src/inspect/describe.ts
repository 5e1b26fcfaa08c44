/**
 * Turns one DER certificate into the plain description inspect reports:
 * names, validity, keys, extensions and fingerprint.
 */
import { X509Certificate } from 'node:crypto';
import { inputError } from '../errors.js';
import { readCertificate, type CertificateParts } from '../pki/der-reader.js';
import { OID, SIGNATURE_ALGORITHM_NAMES, EXT_KEY_USAGE_NAMES } from '../pki/oids.js';
import {
  decodeAuthorityKeyId, decodeBasicConstraints, decodeExtKeyUsage, decodeKeyUsage,
  decodeNameConstraints, decodeSubjectAltNames, decodeSubjectKeyId,
  type BasicConstraints, type NameConstraints, type SubjectAltNames,
} from './decode-extensions.js';

/** The public key of a certificate, without the key itself. */
export interface PublicKeyInfo {
  /** `RSA`, `EC`, `Ed25519`, `Ed448`, `RSA-PSS`, `DSA`. */
  algorithm: string;
  /** NIST curve name for EC keys (`P-256`). */
  curve: string | null;
  /** Modulus size for RSA, field size for EC. */
  bits: number | null;
}

/** Everything inspect knows about one certificate. */
export interface CertificateInfo {
  /** Where it came from: `file.pem#2`, `host:443#1` (1-based). */
  source: string;
  der: Buffer;
  x509: X509Certificate;
  parts: CertificateParts;
  subject: string;
  issuer: string;
  /** Hex of the serial's content octets, as encoded. */
  serial: string;
  serialNegative: boolean;
  serialOctets: number;
  notBefore: Date;
  notAfter: Date;
  subjectAltNames: SubjectAltNames | null;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: string;
  keyUsage: string[] | null;
  extKeyUsage: string[] | null;
  basicConstraints: BasicConstraints | null;
  nameConstraints: NameConstraints | null;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  fingerprintSha256: string;
  /** Subject equals issuer and its own key verifies its signature. */
  selfSigned: boolean;
}

const CURVES: Record<string, [string, number]> = {
  prime256v1: ['P-256', 256], secp384r1: ['P-384', 384], secp521r1: ['P-521', 521],
  secp256k1: ['secp256k1', 256],
};

/**
 * Describes a DER certificate.
 * @throws MtlsError PEM_UNPARSEABLE when the bytes are not a certificate.
 */
export function describeCertificate(der: Buffer, source: string): CertificateInfo {
  let x509: X509Certificate;
  let parts: CertificateParts;
  try {
    x509 = new X509Certificate(der);
    parts = readCertificate(der);
  } catch {
    throw inputError('PEM_UNPARSEABLE', `${source} is not a valid X.509 certificate`, 'check that the file is complete; `openssl x509 -in FILE -noout -text` shows what it holds');
  }
  const ext = (oid: string) => parts.extensions.get(oid);
  const decode = <T>(oid: string, fn: (v: Buffer, critical: boolean) => T): T | null => {
    const e = ext(oid);
    if (!e) return null;
    try {
      return fn(e.value, e.critical);
    } catch {
      return null;
    }
  };
  return {
    source,
    der,
    x509,
    parts,
    subject: nameText(x509.subject),
    issuer: nameText(x509.issuer),
    serial: parts.serial.toString('hex'),
    serialNegative: (parts.serial[0] ?? 0) >= 0x80,
    serialOctets: parts.serial.length,
    notBefore: parts.notBefore,
    notAfter: parts.notAfter,
    subjectAltNames: decode(OID.subjectAltName, decodeSubjectAltNames),
    publicKey: publicKeyOf(x509),
    signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[parts.signatureAlgorithm] ?? parts.signatureAlgorithm,
    keyUsage: decode(OID.keyUsage, decodeKeyUsage),
    extKeyUsage: decode(OID.extKeyUsage, (v) => decodeExtKeyUsage(v).map((o) => EXT_KEY_USAGE_NAMES[o] ?? o)),
    basicConstraints: decode(OID.basicConstraints, decodeBasicConstraints),
    nameConstraints: decode(OID.nameConstraints, decodeNameConstraints),
    subjectKeyId: decode(OID.subjectKeyIdentifier, decodeSubjectKeyId),
    authorityKeyId: decode(OID.authorityKeyIdentifier, decodeAuthorityKeyId),
    fingerprintSha256: x509.fingerprint256,
    selfSigned: parts.subject.equals(parts.issuer) && verifiesWith(x509, x509),
  };
}

/** True when `issuer`'s public key verifies `cert`'s signature. */
export function verifiesWith(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    // Unsupported key or algorithm combinations cannot have signed it.
    return false;
  }
}

/** True when the certificate may sign others (basicConstraints cA). */
export function isCa(cert: CertificateInfo): boolean {
  return cert.basicConstraints?.ca === true;
}

/** Node prints names one attribute a line; reports use one line. */
function nameText(multiline: string): string {
  return multiline.split('\n').filter(Boolean).join(', ') || '(empty)';
}

function publicKeyOf(x509: X509Certificate): PublicKeyInfo {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'ec') {
    const [curve, bits] = CURVES[details.namedCurve ?? ''] ?? [details.namedCurve ?? 'unknown', null];
    return { algorithm: 'EC', curve, bits };
  }
  const names: Record<string, string> = { rsa: 'RSA', 'rsa-pss': 'RSA-PSS', dsa: 'DSA', ed25519: 'Ed25519', ed448: 'Ed448' };
  const bits = type === 'ed25519' ? 256 : type === 'ed448' ? 456 : (details.modulusLength ?? null);
  return { algorithm: names[type] ?? type, curve: null, bits };
}
