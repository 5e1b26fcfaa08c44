/**
 * The server's CertificateRequest: whether it asks for a client certificate,
 * which signature algorithms it takes and which CA names it says it accepts.
 * TLS 1.2 sends it in clear (RFC 5246 7.4.4); TLS 1.3 carries the same facts
 * in extensions of an encrypted message (RFC 8446 4.3.2).
 */
import { TlsReader, readExtensions, readUint16List } from './record-layer.js';

/** The facts a CertificateRequest carries. */
export interface CertificateRequestInfo {
  /** TLS 1.2 ClientCertificateType values (1 rsa_sign, 64 ecdsa_sign); empty in TLS 1.3. */
  certificateTypes: number[];
  /** SignatureScheme numbers for the CertificateVerify (and the chain, unless listed apart). */
  signatureAlgorithms: number[];
  /** TLS 1.3 signature_algorithms_cert (50), when the server sent it. */
  signatureAlgorithmsCert: number[];
  /** DER-encoded X.501 Names, in the server's order; empty means "any". */
  certificateAuthorities: Buffer[];
}

const EXT_SIGNATURE_ALGORITHMS = 13;
const EXT_CERTIFICATE_AUTHORITIES = 47;
const EXT_SIGNATURE_ALGORITHMS_CERT = 50;

/**
 * Parses a TLS 1.2 CertificateRequest body.
 * @throws RangeError when the message is truncated.
 */
export function parseCertificateRequest12(body: Buffer): CertificateRequestInfo {
  const reader = new TlsReader(body);
  const certificateTypes = [...reader.vector(1)];
  const signatureAlgorithms = readUint16List(reader.vector(2));
  const certificateAuthorities = readDistinguishedNames(reader.vector(2));
  return {
    certificateTypes,
    signatureAlgorithms,
    signatureAlgorithmsCert: [],
    certificateAuthorities,
  };
}

/**
 * Parses a TLS 1.3 CertificateRequest body: a context and extensions.
 * @throws RangeError when the message is truncated.
 */
export function parseCertificateRequest13(body: Buffer): CertificateRequestInfo {
  const reader = new TlsReader(body);
  reader.vector(1);
  const extensions = readExtensions(reader.vector(2));
  const list = (type: number) => {
    const data = extensions.get(type);
    return data ? readUint16List(new TlsReader(data).vector(2)) : [];
  };
  const authorities = extensions.get(EXT_CERTIFICATE_AUTHORITIES);
  return {
    certificateTypes: [],
    signatureAlgorithms: list(EXT_SIGNATURE_ALGORITHMS),
    signatureAlgorithmsCert: list(EXT_SIGNATURE_ALGORITHMS_CERT),
    certificateAuthorities: authorities
      ? readDistinguishedNames(new TlsReader(authorities).vector(2))
      : [],
  };
}

/** Splits a DistinguishedName<1..2^16-1> list into copies of each DER Name. */
function readDistinguishedNames(block: Buffer): Buffer[] {
  const reader = new TlsReader(block);
  const names: Buffer[] = [];
  while (reader.remaining > 0) names.push(Buffer.from(reader.vector(2)));
  return names;
}
