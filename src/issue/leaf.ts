/** The service (leaf) certificate profile and its signing. */
import type { KeyObject } from 'node:crypto';
import { randomSerial, signCertificate, type CertificateTemplate } from '../pki/certificate.js';
import { readElement } from '../pki/der-reader.js';
import type { CertificateParts } from '../pki/der-reader.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  extKeyUsage,
  keyIdentifier,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
  type AltNames,
  type KeyUsageName,
} from '../pki/extensions.js';
import { OID } from '../pki/oids.js';
import { encodeName } from '../pki/name.js';

/** Which side of a TLS connection a certificate may authenticate. */
export type Usage = 'server' | 'client' | 'both';

/** Clock-skew margin: a leaf is valid from this long before it was issued. */
export const LEAF_BACKDATE_MS = 5 * 60_000;

/**
 * The backdate of a leaf with this ttl: LEAF_BACKDATE_MS, but at most a tenth
 * of the ttl, so that a short-lived leaf (ttl 10s in tests) is not born expired.
 */
export function leafBackdate(ttl: number): number {
  return Math.min(LEAF_BACKDATE_MS, Math.floor(ttl / 10));
}

/** The CA that signs, as issuing needs it. */
export interface Issuer {
  subject: Buffer;
  keyIdentifier: Buffer;
  notAfter: Date;
  key: KeyObject;
}

/** Everything a leaf states. */
export interface LeafRequest {
  commonName: string;
  altNames: AltNames;
  usage: Usage;
  /** DER SubjectPublicKeyInfo of the service's key. */
  subjectPublicKeyInfo: Buffer;
  /** RSA keys also get keyEncipherment (for TLS 1.2 RSA key exchange). */
  rsa: boolean;
  issuedAt: Date;
  ttl: number;
}

/** Derives the Issuer of a loaded CA certificate and its key. */
export function issuerOf(parts: CertificateParts, key: KeyObject): Issuer {
  const ski = parts.extensions.get(OID.subjectKeyIdentifier);
  return {
    subject: parts.subject,
    keyIdentifier: ski ? readElement(ski.value).content : keyIdentifier(parts.subjectPublicKeyInfo),
    notAfter: parts.notAfter,
    key,
  };
}

/** The extended key usages for a usage. */
export function extKeyUsagesFor(usage: Usage): string[] {
  if (usage === 'server') return [OID.serverAuth];
  if (usage === 'client') return [OID.clientAuth];
  return [OID.serverAuth, OID.clientAuth];
}

/** The leaf's template: CA:FALSE, digitalSignature, EKU from usage, SANs, key ids. */
export function leafTemplate(req: LeafRequest, issuer: Issuer): CertificateTemplate {
  const usages: KeyUsageName[] = req.rsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
  const notBefore = req.issuedAt.getTime() - leafBackdate(req.ttl);
  // ttl counts from notBefore: a verifier measures the whole validity period, backdate included.
  const notAfter = Math.min(notBefore + req.ttl, issuer.notAfter.getTime());
  return {
    serial: randomSerial(),
    issuer: issuer.subject,
    subject: encodeName({ commonName: req.commonName }),
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    subjectPublicKeyInfo: req.subjectPublicKeyInfo,
    extensions: [
      basicConstraints(false),
      keyUsage(usages),
      extKeyUsage(extKeyUsagesFor(req.usage)),
      subjectKeyIdentifier(keyIdentifier(req.subjectPublicKeyInfo)),
      authorityKeyIdentifier(issuer.keyIdentifier),
      subjectAltName(req.altNames),
    ],
  };
}

/** Signs a leaf certificate; returns its DER and template. */
export function issueLeaf(req: LeafRequest, issuer: Issuer): { der: Buffer; template: CertificateTemplate } {
  const template = leafTemplate(req, issuer);
  return { der: signCertificate(template, issuer.key), template };
}
