/** The CA directory: its file layout, metadata, and loading the issuing CA. */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MtlsError, EXIT, stateError } from '../errors.js';
import { readCertificate, type CertificateParts } from '../pki/der-reader.js';
import { isKeyType, type KeyType } from '../pki/key-types.js';
import { loadPrivateKey } from '../pki/keys.js';
import { parsePem } from '../pki/pem.js';

/** File names inside a CA directory, documented in README. */
export const CA_FILES = {
  meta: 'ca.json',
  rootCert: 'root-ca.crt',
  rootKey: 'root-ca.key',
  intermediateCert: 'intermediate-ca.crt',
  intermediateKey: 'intermediate-ca.key',
  trustBundle: 'trust-bundle.crt',
  issuedLog: 'issued.jsonl',
  lock: '.lock',
} as const;

/** What ca.json records about a CA. */
export interface CaMeta {
  schemaVersion: 1;
  name: string;
  organization?: string;
  trustDomain: string;
  keyType: KeyType;
  /** Which CA signs service certificates. */
  issuer: 'intermediate' | 'root';
  encrypted: boolean;
  createdAt: string;
  permitted: { dns: string[]; uri: string[] };
}

/** A certificate held both as DER and as node:crypto's parsed view. */
export interface LoadedCertificate {
  der: Buffer;
  pem: string;
  parts: CertificateParts;
  x509: X509Certificate;
}

/** The CA that signs service certificates, with what issuing needs. */
export interface IssuingCa {
  dir: string;
  meta: CaMeta;
  cert: LoadedCertificate;
  key: KeyObject;
  /** Certificates that go after a leaf in its chain file (the intermediate, or nothing). */
  chainPem: string;
  /** The root, for trust bundles. */
  trustBundlePem: string;
  root: LoadedCertificate;
}

/**
 * Reads ca.json.
 * @throws MtlsError CA_NOT_FOUND when absent, CA_INVALID when unreadable.
 */
export async function readCaMeta(dir: string): Promise<CaMeta> {
  const path = join(dir, CA_FILES.meta);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw stateError('CA_NOT_FOUND', `no CA in ${dir} (${path} is missing)`, `run: mtlsctl init --dir ${dir}`);
  }
  let meta: CaMeta;
  try {
    meta = JSON.parse(text) as CaMeta;
  } catch (cause) {
    throw new MtlsError('CA_INVALID', EXIT.localState, `${path} is not valid JSON`, {
      hint: `restore it, or recreate the CA with: mtlsctl init --dir ${dir} --force`,
      cause,
    });
  }
  const fault = metaFault(meta);
  if (fault !== undefined) {
    throw stateError('CA_INVALID', `${path} is not an mtlsctl CA description (${fault})`, `restore it, or recreate the CA with: mtlsctl init --dir ${dir} --force`);
  }
  return meta;
}

/** What is wrong with parsed ca.json, or undefined when it has the shape init writes. */
function metaFault(meta: unknown): string | undefined {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return 'not a JSON object';
  const m = meta as Record<string, unknown>;
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const permitted = m.permitted as Record<string, unknown> | null | undefined;
  if (m.schemaVersion !== 1) return 'schemaVersion is not 1';
  if (typeof m.keyType !== 'string' || !isKeyType(m.keyType)) return 'keyType is not a known key type';
  if (m.issuer !== 'intermediate' && m.issuer !== 'root') return 'issuer is neither "intermediate" nor "root"';
  if (typeof m.trustDomain !== 'string' || typeof m.name !== 'string') return 'name or trustDomain is missing';
  if (typeof m.encrypted !== 'boolean') return 'encrypted is not true or false';
  if (typeof permitted !== 'object' || permitted === null || !strings(permitted.dns) || !strings(permitted.uri)) {
    return 'permitted.dns and permitted.uri are not lists of names';
  }
  return undefined;
}

/**
 * Reads one PEM certificate file.
 * @throws MtlsError CA_INVALID when missing or unparseable.
 */
export async function readCertificateFile(path: string): Promise<LoadedCertificate> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch {
    throw stateError('CA_INVALID', `${path} is missing`, 'restore it from a backup, or recreate the CA with mtlsctl init --force');
  }
  const block = parsePem(pem).find((b) => b.label === 'CERTIFICATE');
  if (!block) throw stateError('CA_INVALID', `${path} holds no PEM certificate`, 'restore it from a backup');
  try {
    return { der: block.der, pem, parts: readCertificate(block.der), x509: new X509Certificate(block.der) };
  } catch (cause) {
    throw new MtlsError('CA_INVALID', EXIT.localState, `${path} holds a damaged certificate (truncated or edited)`, {
      hint: 'restore it from a backup, or recreate the CA with mtlsctl init --force',
      cause,
    });
  }
}

/**
 * Loads the issuing CA (the intermediate, or the root with --no-intermediate).
 * @throws MtlsError CA_NOT_FOUND, CA_INVALID, PASSPHRASE_REQUIRED, PASSPHRASE_WRONG.
 */
export async function loadIssuingCa(dir: string, passphrase?: string): Promise<IssuingCa> {
  const meta = await readCaMeta(dir);
  const viaRoot = meta.issuer === 'root';
  const certPath = join(dir, viaRoot ? CA_FILES.rootCert : CA_FILES.intermediateCert);
  const keyPath = join(dir, viaRoot ? CA_FILES.rootKey : CA_FILES.intermediateKey);
  const [cert, root] = await Promise.all([
    readCertificateFile(certPath),
    readCertificateFile(join(dir, CA_FILES.rootCert)),
  ]);
  let keyPem: string;
  try {
    keyPem = await readFile(keyPath, 'utf8');
  } catch {
    throw stateError('CA_INVALID', `${keyPath} is missing`, 'the issuing key is needed to issue: restore it, or recreate the CA');
  }
  const key = loadPrivateKey(keyPem, keyPath, passphrase);
  if (!cert.x509.checkPrivateKey(key)) {
    throw stateError('CA_INVALID', `${keyPath} does not match ${certPath}`, 'restore the matching pair, or recreate the CA');
  }
  return {
    dir,
    meta,
    cert,
    key,
    chainPem: viaRoot ? '' : cert.pem,
    trustBundlePem: root.pem,
    root,
  };
}
