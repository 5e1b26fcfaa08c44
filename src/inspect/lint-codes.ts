/**
 * The stable catalogue of inspect findings: a code never changes meaning or
 * severity once released; README lists the same table.
 */

/** How bad a finding is: only `error` makes inspect exit 1. */
export type Severity = 'error' | 'warning' | 'info';

/** One entry of the catalogue. */
export interface LintCode {
  severity: Severity;
  /** What is wrong, in a few words. */
  title: string;
  /** How to fix it. */
  fix: string;
}

/** Every finding code inspect reports. */
export const LINT_CODES = {
  CERT_EXPIRED: { severity: 'error', title: 'certificate has expired', fix: 'issue a new certificate (mtlsctl issue renews it) and deploy it' },
  CERT_NOT_YET_VALID: { severity: 'error', title: 'certificate is not valid yet', fix: 'check the clock of the issuing machine; reissue without a future notBefore' },
  CERT_EXPIRING_SOON: { severity: 'warning', title: 'certificate expires within --warn-within (at most its last third of life)', fix: 'renew it before it expires (mtlsctl issue renews due certificates)' },
  VALIDITY_TOO_LONG: { severity: 'warning', title: 'leaf validity is longer than --max-validity (plus 1 hour of backdating slack)', fix: 'issue leaves with a shorter lifetime and renew them automatically' },
  CHAIN_OUT_OF_ORDER: { severity: 'warning', title: 'chain is not in leaf-to-root order', fix: 'order the file leaf first, then each issuer in turn' },
  CHAIN_MISSING_INTERMEDIATE: { severity: 'error', title: 'an intermediate certificate is missing', fix: 'append the intermediate CA certificate after the leaf (chain.pem)' },
  CHAIN_ISSUER_NOT_IN_INPUT: { severity: 'info', title: 'the issuer of the last certificate is not in the input', fix: 'pass --ca with the trust bundle to verify the whole path' },
  CHAIN_UNTRUSTED: { severity: 'error', title: 'the path does not end at a trusted root', fix: 'add the right root to the trust bundle (--ca), or serve a chain that leads to it' },
  CHAIN_ROOT_INCLUDED: { severity: 'warning', title: 'the root CA is sent in the chain', fix: 'drop the self-signed root from the chain file: peers must have it already' },
  CHAIN_DUPLICATE_CERT: { severity: 'warning', title: 'the same certificate appears twice', fix: 'remove the repeated certificate' },
  CHAIN_UNRELATED_CERT: { severity: 'warning', title: 'a certificate belongs to no path of the chain', fix: 'remove it from the bundle, or add the certificates that link it' },
  SIGNATURE_INVALID: { severity: 'error', title: 'a signature does not verify with the issuer named', fix: 'the certificate was not signed by the CA of that name: use the CA that really issued it' },
  KEY_MISMATCH: { severity: 'error', title: 'the private key does not match the certificate', fix: 'pair the certificate with the key it was issued for, or reissue' },
  KEY_WEAK: { severity: 'error', title: 'RSA key shorter than 2048 bits', fix: 'reissue with RSA 2048+ or ECDSA P-256' },
  SIGNATURE_WEAK_HASH: { severity: 'error', title: 'signed with SHA-1 or MD5', fix: 'reissue signed with SHA-256 or stronger' },
  ROOT_SIGNATURE_WEAK_HASH: { severity: 'info', title: 'self-signed root uses SHA-1 or MD5', fix: 'harmless for trust anchors; replace the root at its next rotation' },
  SAN_MISSING: { severity: 'error', title: 'leaf has no subjectAltName (CN only)', fix: 'reissue with the DNS names, IPs or URIs in subjectAltName: Go, browsers and modern TLS ignore the CN' },
  CA_NOT_CA: { severity: 'error', title: 'issuer lacks basicConstraints CA:TRUE', fix: 'reissue the issuing certificate as a CA (basicConstraints CA:TRUE, critical)' },
  CA_MISSING_KEY_CERT_SIGN: { severity: 'error', title: 'issuer key usage lacks keyCertSign', fix: 'reissue the CA with keyUsage keyCertSign (and cRLSign)' },
  EKU_MISSING_PURPOSE: { severity: 'error', title: 'extended key usage does not allow the purpose', fix: 'reissue with extKeyUsage serverAuth (servers) or clientAuth (clients)' },
  PATH_LENGTH_EXCEEDED: { severity: 'error', title: 'more CAs below than the pathLenConstraint allows', fix: 'issue from a CA whose pathLenConstraint allows this depth, or shorten the path' },
  NAME_CONSTRAINT_VIOLATED: { severity: 'error', title: 'a name is outside the CA name constraints', fix: 'use names inside the permitted subtrees, or issue from a CA that allows them' },
  AKI_NO_MATCHING_ISSUER: { severity: 'error', title: 'authority key identifier matches no issuer', fix: 'reissue with the authorityKeyIdentifier equal to the issuer subjectKeyIdentifier' },
  SERIAL_NEGATIVE: { severity: 'error', title: 'serial number is negative', fix: 'reissue with a positive serial (RFC 5280 4.1.2.2)' },
  SERIAL_TOO_LONG: { severity: 'error', title: 'serial number longer than 20 octets', fix: 'reissue with a serial of at most 20 octets (RFC 5280 4.1.2.2)' },
  NAME_MISMATCH: { severity: 'error', title: 'the leaf does not carry the name asked for', fix: 'reissue with the name in subjectAltName, or connect with a name it carries' },
} as const satisfies Record<string, LintCode>;

/** A finding code. */
export type FindingCode = keyof typeof LINT_CODES;

/** One problem found, about one certificate (or the input as a whole). */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** `source` of the certificate concerned, or null for the whole input. */
  certificate: string | null;
  subject: string | null;
  message: string;
  fix: string;
}

/** Builds a finding with the catalogue's severity and fix. */
export function finding(code: FindingCode, cert: { source: string; subject: string } | null, message: string): Finding {
  const entry: LintCode = LINT_CODES[code];
  return {
    code,
    severity: entry.severity,
    certificate: cert?.source ?? null,
    subject: cert?.subject ?? null,
    message,
    fix: entry.fix,
  };
}
