/** What a service folder holds now, read without throwing. */
import { existsSync, readFileSync } from 'node:fs';
import { readCertificate, type CertificateParts } from '../pki/der-reader.js';
import { parsePem } from '../pki/pem.js';
import { publicSideOfPkcs8, type PublicSide } from '../pki/pkcs8-public.js';
import type { ServicePaths } from './files.js';

/** The current files of one service; undefined members are missing. */
export interface CurrentFiles {
  /** The parsed leaf, or a reason it cannot be read. */
  cert?: { der: Buffer; pem: string; parts: CertificateParts } | { error: string };
  /** The key's public side (enough to match it to the certificate), or why it cannot be read. */
  key?: PublicSide | { error: string };
  chainPem?: string;
  caPem?: string;
  p12: boolean;
}

/** Reads a file as UTF-8, or undefined when it does not exist. */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readCert(pem: string): CurrentFiles['cert'] {
  const block = parsePem(pem).find((b) => b.label === 'CERTIFICATE');
  if (!block) return { error: 'holds no PEM certificate' };
  try {
    return { der: block.der, pem, parts: readCertificate(block.der) };
  } catch {
    return { error: 'holds a malformed certificate' };
  }
}

function readKey(pem: string): PublicSide | { error: string } {
  const block = parsePem(pem).find((b) => b.label === 'PRIVATE KEY');
  if (!block) return { error: 'holds no unencrypted PKCS#8 private key' };
  try {
    return publicSideOfPkcs8(block.der);
  } catch {
    return { error: 'holds a malformed private key' };
  }
}

/**
 * Reads a service's files synchronously (a no-op run reads thousands of
 * small files, where the thread-pool round trip of each async read dominates).
 */
export function readCurrentFiles(paths: ServicePaths): CurrentFiles {
  // existsSync first: a failed read builds an Error, which a first run would pay for every service.
  const certPem = existsSync(paths.cert) ? readText(paths.cert) : undefined;
  if (certPem === undefined) return { p12: false };
  const keyPem = readText(paths.key);
  return {
    cert: readCert(certPem),
    ...(keyPem === undefined ? {} : { key: readKey(keyPem) }),
    chainPem: readText(paths.chain),
    caPem: readText(paths.ca),
    p12: paths.p12 ? existsSync(paths.p12) : false,
  };
}
