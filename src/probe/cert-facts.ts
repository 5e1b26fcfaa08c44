/** What a probe needs to know about one certificate, read from its DER. */
import { X509Certificate } from 'node:crypto';
import { readCertificate } from '../pki/der-reader.js';
import { readChildren, readElement, decodeOid } from '../pki/der-reader.js';
import { OID } from '../pki/oids.js';
import { parsePem } from '../pki/pem.js';
import { formatName } from './tls-names.js';

const ANY_EKU = '2.5.29.37.0';

/** The facts of one certificate as probe reports and judges them. */
export interface CertFacts {
  subject: string;
  issuer: string;
  subjectDer: Buffer;
  issuerDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** Subject equals issuer and the signature verifies with its own key. */
  selfSigned: boolean;
  isCa: boolean;
  /** Extended key usage OIDs; undefined when the extension is absent (any use). */
  extKeyUsage?: string[];
  sha256: string;
}

/** Reads the facts of a DER certificate. */
export function certFacts(der: Buffer): CertFacts {
  const parts = readCertificate(der);
  const x509 = new X509Certificate(der);
  const eku = parts.extensions.get(OID.extKeyUsage);
  const sameName = parts.subject.equals(parts.issuer);
  return {
    subject: formatName(parts.subject),
    issuer: formatName(parts.issuer),
    subjectDer: parts.subject,
    issuerDer: parts.issuer,
    notBefore: parts.notBefore,
    notAfter: parts.notAfter,
    selfSigned: sameName && safeVerify(x509, x509),
    isCa: x509.ca,
    extKeyUsage: eku ? readChildren(readElement(eku.value)).map((e) => decodeOid(e.content)) : undefined,
    sha256: x509.fingerprint256,
  };
}

/** True when the certificate may be used for the purpose (absent EKU allows all). */
export function allowsPurpose(facts: CertFacts, purpose: 'serverAuth' | 'clientAuth'): boolean {
  if (!facts.extKeyUsage) return true;
  return facts.extKeyUsage.includes(OID[purpose]) || facts.extKeyUsage.includes(ANY_EKU);
}

/** Whether `now` lies within the certificate's validity. */
export function validityAt(facts: CertFacts, now: Date): 'valid' | 'expired' | 'not-yet-valid' {
  if (now < facts.notBefore) return 'not-yet-valid';
  if (now > facts.notAfter) return 'expired';
  return 'valid';
}

/** The DER certificates of a PEM text, in order. */
export function pemCertificates(text: string): Buffer[] {
  return parsePem(text).filter((b) => b.label === 'CERTIFICATE').map((b) => b.der);
}

/** True when `issuer` signed `subject` (names chain and the signature verifies). */
export function issuedBy(subject: Buffer, issuer: Buffer): boolean {
  const s = new X509Certificate(subject);
  const i = new X509Certificate(issuer);
  return s.checkIssued(i) && safeVerify(s, i);
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** One-line description: `CN=x, issued by CN=y, expires 2027-01-01`. */
export function describeCert(facts: CertFacts): string {
  return `${facts.subject}, issued by ${facts.issuer}, expires ${isoDay(facts.notAfter)}`;
}

/** `2027-01-01T12:00:00Z` without milliseconds. */
export function isoTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2027-01-01`. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
