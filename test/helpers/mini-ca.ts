/**
 * A throwaway CA for tests, built with mtlsctl's own PKI layer, with knobs
 * for the defects tests need (expired, wrong EKU, no SAN, other CA).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { certificatePem, randomSerial, signCertificate, type CertificateTemplate } from '../../src/pki/certificate.js';
import { readCertificate } from '../../src/pki/der-reader.js';
import {
  authorityKeyIdentifier, basicConstraints, extKeyUsage, keyIdentifier, keyUsage,
  subjectKeyIdentifier, type AltNames, type Extension,
} from '../../src/pki/extensions.js';
import type { KeyType } from '../../src/pki/key-types.js';
import { exportPrivateKey, generateKey, subjectPublicKeyInfo } from '../../src/pki/keys.js';
import { encodeName } from '../../src/pki/name.js';
import { issuerOf, leafTemplate, type Issuer, type Usage } from '../../src/issue/leaf.js';
import { OID } from '../../src/pki/oids.js';

const DAY = 86_400_000;

/** A certificate with its key, as PEM and DER. */
export interface TestCert {
  der: Buffer;
  certPem: string;
  key: KeyObject;
  keyPem: string;
  issuer: Issuer;
}

/** A root and (optionally) an intermediate. */
export interface TestCa {
  root: TestCert;
  intermediate?: TestCert;
  /** The CA that signs leaves. */
  signer: TestCert;
  /** PEM of the root alone: the trust bundle. */
  trustPem: string;
}

function asTestCert(der: Buffer, key: KeyObject): TestCert {
  return { der, certPem: certificatePem(der), key, keyPem: exportPrivateKey(key), issuer: issuerOf(readCertificate(der), key) };
}

/** Creates a root and, by default, an intermediate, valid around `now`. */
export async function makeTestCa(opts: { name?: string; keyType?: KeyType; intermediate?: boolean; now?: Date; notAfter?: Date } = {}): Promise<TestCa> {
  const now = opts.now ?? new Date();
  const keyType = opts.keyType ?? 'ecdsa-p256';
  const name = opts.name ?? 'Test Root CA';
  const rootKey = await generateKey(keyType);
  const rootSpki = subjectPublicKeyInfo(rootKey.publicKey);
  const rootId = keyIdentifier(rootSpki);
  const rootName = encodeName({ commonName: name });
  const notAfter = opts.notAfter ?? new Date(now.getTime() + 3650 * DAY);
  const rootDer = signCertificate({
    serial: randomSerial(), issuer: rootName, subject: rootName,
    notBefore: new Date(now.getTime() - DAY), notAfter, subjectPublicKeyInfo: rootSpki,
    extensions: caExtensions(rootId, rootId),
  }, rootKey.privateKey);
  const root = asTestCert(rootDer, rootKey.privateKey);
  if (opts.intermediate === false) return { root, signer: root, trustPem: root.certPem };
  const interKey = await generateKey(keyType);
  const interSpki = subjectPublicKeyInfo(interKey.publicKey);
  const interDer = signCertificate({
    serial: randomSerial(), issuer: rootName, subject: encodeName({ commonName: `${name} Intermediate` }),
    notBefore: new Date(now.getTime() - DAY), notAfter, subjectPublicKeyInfo: interSpki,
    extensions: caExtensions(keyIdentifier(interSpki), rootId, 0),
  }, rootKey.privateKey);
  const intermediate = asTestCert(interDer, interKey.privateKey);
  return { root, intermediate, signer: intermediate, trustPem: root.certPem };
}

function caExtensions(subjectId: Buffer, authorityId: Buffer, pathLength?: number): Extension[] {
  return [basicConstraints(true, pathLength), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(subjectId), authorityKeyIdentifier(authorityId)];
}

/** Knobs for a test leaf. */
export interface TestLeafOptions {
  commonName?: string;
  altNames?: AltNames;
  usage?: Usage;
  keyType?: KeyType;
  notBefore?: Date;
  notAfter?: Date;
  /** Replace the EKU list (an empty list drops the extension). */
  extKeyUsages?: string[];
  /** Change the template last, for any other defect. */
  mutate?: (t: CertificateTemplate) => void;
}

/** A leaf with its chain file content (leaf, then intermediate). */
export interface TestLeaf extends TestCert {
  chainPem: string;
}

/** Issues a leaf from the CA's signer; defaults to a valid mTLS leaf for localhost. */
export async function makeTestLeaf(ca: TestCa, opts: TestLeafOptions = {}): Promise<TestLeaf> {
  const key = await generateKey(opts.keyType ?? 'ecdsa-p256');
  const now = new Date();
  const t = leafTemplate({
    commonName: opts.commonName ?? 'localhost',
    altNames: opts.altNames ?? { dns: ['localhost'], ip: ['127.0.0.1', '::1'] },
    usage: opts.usage ?? 'both',
    subjectPublicKeyInfo: subjectPublicKeyInfo(key.publicKey),
    rsa: (opts.keyType ?? '').startsWith('rsa'),
    issuedAt: now,
    ttl: 30 * DAY,
  }, ca.signer.issuer);
  if (opts.notBefore) t.notBefore = opts.notBefore;
  if (opts.notAfter) t.notAfter = opts.notAfter;
  if (opts.extKeyUsages) {
    t.extensions = t.extensions.filter((e) => e.oid !== OID.extKeyUsage);
    if (opts.extKeyUsages.length > 0) t.extensions.push(extKeyUsage(opts.extKeyUsages));
  }
  opts.mutate?.(t);
  const der = signCertificate(t, ca.signer.key);
  const cert = asTestCert(der, key.privateKey);
  const chainPem = cert.certPem + (ca.intermediate ? ca.intermediate.certPem : '');
  return { ...cert, chainPem };
}

/** Writes cert.pem, key.pem (0600), chain.pem and ca.pem for a leaf into dir/name. */
export async function writeLeafFiles(dir: string, name: string, leaf: TestLeaf, ca: TestCa) {
  const base = join(dir, name);
  await mkdir(base, { recursive: true });
  const files = { cert: join(base, 'cert.pem'), key: join(base, 'key.pem'), chain: join(base, 'chain.pem'), ca: join(base, 'ca.pem') };
  await writeFile(files.cert, leaf.certPem);
  await writeFile(files.key, leaf.keyPem, { mode: 0o600 });
  await writeFile(files.chain, leaf.chainPem);
  await writeFile(files.ca, ca.trustPem);
  return files;
}
