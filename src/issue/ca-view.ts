/**
 * The public side of the issuing CA: what planning needs. Reading it needs
 * no passphrase, so `issue --dry-run` and a no-op run never decrypt the key.
 */
import { join } from 'node:path';
import { CA_FILES, readCaMeta, readCertificateFile, type CaMeta, type LoadedCertificate } from '../ca/ca-dir.js';
import { readElement } from '../pki/der-reader.js';
import { keyIdentifier } from '../pki/extensions.js';
import { OID } from '../pki/oids.js';

/** The issuing CA's certificates and metadata, without its key. */
export interface CaView {
  dir: string;
  meta: CaMeta;
  /** The certificate that signs service certificates. */
  cert: LoadedCertificate;
  /** Certificates that follow a leaf in chain.pem (the intermediate, or nothing). */
  chainPem: string;
  /** The root: what ca.pem holds. */
  trustBundlePem: string;
}

/**
 * Reads ca.json and the CA certificates.
 * @throws MtlsError CA_NOT_FOUND or CA_INVALID.
 */
export async function loadCaView(dir: string): Promise<CaView> {
  const meta = await readCaMeta(dir);
  const viaRoot = meta.issuer === 'root';
  const [cert, root] = await Promise.all([
    readCertificateFile(join(dir, viaRoot ? CA_FILES.rootCert : CA_FILES.intermediateCert)),
    readCertificateFile(join(dir, CA_FILES.rootCert)),
  ]);
  return { dir, meta, cert, chainPem: viaRoot ? '' : cert.pem, trustBundlePem: root.pem };
}

/** The issuing CA's key identifier: its SKI, or the SHA-1 of its key as RFC 5280 method 1. */
export function caKeyIdentifier(ca: CaView): Buffer {
  const ski = ca.cert.parts.extensions.get(OID.subjectKeyIdentifier);
  return ski ? readElement(ski.value).content : keyIdentifier(ca.cert.parts.subjectPublicKeyInfo);
}
