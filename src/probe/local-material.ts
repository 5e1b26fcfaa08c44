/**
 * The files a probe holds on its side (client certificate, key, trust
 * bundles), read and checked before any connection is made.
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { inputError } from '../errors.js';
import { isEncryptedKeyPem } from '../pki/keys.js';
import { pemCertificates } from './cert-facts.js';

/** What the probe knows locally, next to what it observes on the wire. */
export interface LocalMaterial {
  /** DER chain the client presents (from --cert), leaf first; empty for none. */
  clientChain: Buffer[];
  /** False when the key does not belong to the leaf of clientChain. */
  keyMatchesCert?: boolean;
  /** DER anchors the client trusts for the server (--ca); empty means the system store. */
  serverTrust: Buffer[];
  /** DER anchors the server trusts for clients, when known (--from/--to). */
  clientTrust?: Buffer[];
  /** The name the server certificate must match. */
  servername?: string;
}

/** PEM texts of the files, for the handshake itself. */
export interface LocalPem {
  cert?: string;
  key?: string;
  ca?: string;
}

/** Paths given on the command line or derived from a manifest. */
export interface LocalPaths {
  cert?: string;
  key?: string;
  ca?: string;
}

/**
 * Reads certificate, key and bundle files and checks that key and certificate belong together.
 * @throws MtlsError FILE_NOT_FOUND or PEM_UNPARSEABLE (exit 3).
 */
export async function loadLocalMaterial(paths: LocalPaths, servername?: string): Promise<{ material: LocalMaterial; pem: LocalPem }> {
  // An empty file (or /dev/null) is an error, not "no certificate": compare with undefined, not truthiness.
  const pem: LocalPem = {
    cert: paths.cert !== undefined ? await readText(paths.cert) : undefined,
    key: paths.key !== undefined ? await readText(paths.key) : undefined,
    ca: paths.ca !== undefined ? await readText(paths.ca) : undefined,
  };
  const clientChain = pem.cert !== undefined ? certificatesOf(pem.cert, paths.cert!) : [];
  const serverTrust = pem.ca !== undefined ? certificatesOf(pem.ca, paths.ca!) : [];
  const key = pem.key !== undefined ? privateKeyOf(pem.key, paths.key!) : undefined;
  const keyMatchesCert = key && clientChain[0] ? keyMatches(clientChain[0], key) : undefined;
  if (keyMatchesCert === false) rejectCaLeaf(clientChain[0]!, paths.cert!);
  return { material: { clientChain, keyMatchesCert, serverTrust, servername }, pem };
}

/** Whether a private key belongs to a certificate. */
export function keyMatches(certDer: Buffer, key: KeyObject): boolean {
  try {
    return new X509Certificate(certDer).checkPrivateKey(key);
  } catch {
    return false;
  }
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory, not a PEM file',
  EACCES: 'permission denied',
  ENOTDIR: 'a parent is not a directory',
};

/**
 * Reads a file as text.
 * @throws MtlsError FILE_NOT_FOUND.
 */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    const why = READ_ERRORS[code] ? `${READ_ERRORS[code]} (${code})` : code;
    throw inputError('FILE_NOT_FOUND', `cannot read ${path}: ${why}`, 'check the path; `mtlsctl issue` writes cert.pem, key.pem, chain.pem and ca.pem per service');
  }
}

/**
 * The certificates of a PEM file.
 * @throws MtlsError PEM_UNPARSEABLE when there are none.
 */
export function certificatesOf(text: string, path: string): Buffer[] {
  const ders = pemCertificates(text);
  if (ders.length === 0 && text.charCodeAt(0) === 0x30) {
    throw inputError('PEM_UNPARSEABLE', `${path} looks like a DER (binary) certificate; probe reads PEM`, `convert it: openssl x509 -inform DER -in ${path} -out cert.pem`);
  }
  if (ders.length === 0) throw inputError('PEM_UNPARSEABLE', `${path} holds no PEM certificate${text.trim() === '' ? ' (it is empty)' : ''}`, 'pass a PEM file with -----BEGIN CERTIFICATE----- blocks');
  for (const der of ders) {
    try {
      new X509Certificate(der);
    } catch {
      throw inputError('PEM_UNPARSEABLE', `${path} holds a certificate that cannot be parsed`);
    }
  }
  return ders;
}

/**
 * A CA certificate first in --cert whose key was not given is ca.pem passed
 * for chain.pem; saying so beats a "key mismatch" diagnosis. A CA certificate
 * with its own key (a pinned self-signed identity) is left alone.
 */
function rejectCaLeaf(der: Buffer, path: string): void {
  const cert = new X509Certificate(der);
  if (!cert.ca) return;
  const subject = cert.subject.replace(/\n/g, ', ');
  throw inputError('CERT_IS_CA', `${path} starts with a CA certificate (${subject}), not a service certificate`, 'pass the service\'s chain.pem (its own certificate first), not ca.pem or a trust bundle');
}

function privateKeyOf(text: string, path: string): KeyObject {
  if (isEncryptedKeyPem(text)) {
    throw inputError('PEM_UNPARSEABLE', `${path} is an encrypted private key; probe cannot ask for its passphrase`, `pass the unencrypted key.pem written by \`mtlsctl issue\`, or decrypt a copy: openssl pkey -in ${path} -out key.pem`);
  }
  try {
    return createPrivateKey(text);
  } catch {
    throw inputError('PEM_UNPARSEABLE', `${path} holds no unencrypted private key mtlsctl can read`, 'pass the key.pem that belongs to the certificate');
  }
}
