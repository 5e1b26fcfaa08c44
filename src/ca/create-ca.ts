/** Creates a root CA and, by default, an intermediate CA signed by it. */
import { join } from 'node:path';
import { stateError, usageError } from '../errors.js';
import { exists, KEY_MODE, writeError, writeFileAtomic } from '../fs/atomic-write.js';
import { lstat, rm, stat } from 'node:fs/promises';
import {
  certificatePem,
  randomSerial,
  signCertificate,
  type CertificateTemplate,
} from '../pki/certificate.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  keyIdentifier,
  keyUsage,
  nameConstraints,
  subjectKeyIdentifier,
  type Extension,
} from '../pki/extensions.js';
import type { KeyType } from '../pki/key-types.js';
import { exportPrivateKey, generateKey, subjectPublicKeyInfo, type KeyPair } from '../pki/keys.js';
import { encodeName } from '../pki/name.js';
import { CA_FILES, type CaMeta } from './ca-dir.js';

/** Options for creating a CA; durations in milliseconds. */
export interface CreateCaOptions {
  dir: string;
  name: string;
  organization?: string;
  trustDomain: string;
  keyType: KeyType;
  rootTtl: number;
  intermediateTtl: number;
  intermediate: boolean;
  permitDns: string[];
  permitUri: string[];
  passphrase?: string;
  force: boolean;
  now: Date;
}

/** A summary of one CA certificate that was written. */
export interface CreatedCert {
  subject: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  certFile: string;
  keyFile: string;
}

/** What init produced. */
export interface CreatedCa {
  dir: string;
  meta: CaMeta;
  root: CreatedCert;
  intermediate?: CreatedCert;
  trustBundle: string;
  files: string[];
}

/** Clock-skew margin: CA certificates are valid from a few minutes in the past. */
const BACKDATE_MS = 5 * 60_000;

/**
 * Creates the CA material and writes it; refuses to touch an existing CA
 * unless `force` is set.
 * @throws MtlsError USAGE_INVALID_VALUE, REFUSE_OVERWRITE or WRITE_FAILED.
 */
export async function createCa(options: CreateCaOptions): Promise<CreatedCa> {
  validateCaOptions(options);
  const o = options;
  const paths = Object.fromEntries(
    Object.entries(CA_FILES).map(([k, f]) => [k, join(o.dir, f)]),
  ) as Record<keyof typeof CA_FILES, string>;
  await refuseNonDirectory(o.dir);
  const existing = await existingCaFiles(paths);
  if (existing.length > 0 && !o.force) {
    const what = existing.includes(CA_FILES.meta) ? 'a CA already exists' : 'an incomplete CA (no ca.json) is';
    throw stateError(
      'REFUSE_OVERWRITE',
      `${what} in ${o.dir} (${existing.join(', ')}); nothing was changed`,
      `use it as it is, choose another --dir, or replace it with: mtlsctl init --dir ${o.dir} --force`,
    );
  }

  const [rootKey, interKey] = await Promise.all([
    generateKey(o.keyType),
    o.intermediate ? generateKey(o.keyType) : undefined,
  ]);
  const notBefore = new Date(o.now.getTime() - BACKDATE_MS);
  const rootSubject = encodeName({ commonName: o.name, organization: o.organization });
  const rootSpki = subjectPublicKeyInfo(rootKey.publicKey);
  const rootId = keyIdentifier(rootSpki);
  const rootNotAfter = new Date(o.now.getTime() + o.rootTtl);
  const rootTemplate: CertificateTemplate = {
    serial: randomSerial(),
    issuer: rootSubject,
    subject: rootSubject,
    notBefore,
    notAfter: rootNotAfter,
    subjectPublicKeyInfo: rootSpki,
    extensions: caExtensions(rootId, rootId),
  };
  const rootDer = signCertificate(rootTemplate, rootKey.privateKey);

  const meta: CaMeta = {
    schemaVersion: 1,
    name: o.name,
    ...(o.organization ? { organization: o.organization } : {}),
    trustDomain: o.trustDomain,
    keyType: o.keyType,
    issuer: o.intermediate ? 'intermediate' : 'root',
    encrypted: o.passphrase !== undefined,
    createdAt: o.now.toISOString(),
    permitted: { dns: o.permitDns, uri: o.permitUri.map(uriConstraintHost) },
  };
  const writes: Array<[string, string, number?]> = [
    [paths.rootCert, certificatePem(rootDer)],
    [paths.rootKey, exportPrivateKey(rootKey.privateKey, o.passphrase), KEY_MODE],
    [paths.trustBundle, certificatePem(rootDer)],
  ];
  const result: CreatedCa = {
    dir: o.dir,
    meta,
    root: summarise(rootTemplate, o.name, paths.rootCert, paths.rootKey),
    trustBundle: paths.trustBundle,
    files: [],
  };

  if (interKey) {
    const inter = intermediateTemplate(o, interKey, rootSubject, rootId, notBefore, rootNotAfter);
    writes.push(
      [paths.intermediateCert, certificatePem(signCertificate(inter, rootKey.privateKey))],
      [paths.intermediateKey, exportPrivateKey(interKey.privateKey, o.passphrase), KEY_MODE],
    );
    result.intermediate = summarise(inter, intermediateName(o.name), paths.intermediateCert, paths.intermediateKey);
  }
  // ca.json goes last, and an old one goes first: a directory caught half
  // way (--force, then Ctrl-C) is never taken for a whole CA whose root and
  // intermediate do not belong together.
  if (existing.includes(CA_FILES.meta)) {
    await rm(paths.meta).catch((cause: unknown) => {
      throw writeError(paths.meta, cause);
    });
  }
  for (const [path, data, mode] of writes) await writeFileAtomic(path, data, mode);
  if (!interKey) {
    await rm(paths.intermediateCert, { force: true });
    await rm(paths.intermediateKey, { force: true });
  }
  await writeFileAtomic(paths.meta, JSON.stringify(meta, null, 2) + '\n');
  result.files = [...writes.map(([path]) => path), paths.meta];
  return result;
}

/** @throws MtlsError WRITE_FAILED when --dir names something other than a directory (or a link to one). */
async function refuseNonDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) {
    // mkdir cannot create a directory where a symbolic link points nowhere.
    if ((await lstat(dir).catch(() => undefined))?.isSymbolicLink()) {
      throw stateError('WRITE_FAILED', `--dir ${dir} is a symbolic link to nothing`, 'create its target, or choose another --dir');
    }
    return;
  }
  if (info.isDirectory()) return;
  throw stateError('WRITE_FAILED', `--dir ${dir} is a file, not a directory`, 'choose another --dir, e.g. --dir pki');
}

function intermediateTemplate(
  o: CreateCaOptions,
  key: KeyPair,
  rootSubject: Buffer,
  rootId: Buffer,
  notBefore: Date,
  rootNotAfter: Date,
): CertificateTemplate {
  const spki = subjectPublicKeyInfo(key.publicKey);
  const extensions = caExtensions(keyIdentifier(spki), rootId, 0);
  if (o.permitDns.length > 0 || o.permitUri.length > 0) {
    extensions.push(nameConstraints({ dns: o.permitDns, uri: o.permitUri.map(uriConstraintHost) }));
  }
  const notAfter = new Date(Math.min(o.now.getTime() + o.intermediateTtl, rootNotAfter.getTime()));
  return {
    serial: randomSerial(),
    issuer: rootSubject,
    subject: encodeName({ commonName: intermediateName(o.name), organization: o.organization }),
    notBefore,
    notAfter,
    subjectPublicKeyInfo: spki,
    extensions,
  };
}

/** The extensions of a CA certificate (RFC 5280 4.2.1.9 and 4.2.1.3). */
function caExtensions(subjectId: Buffer, authorityId: Buffer, pathLength?: number): Extension[] {
  return [
    basicConstraints(true, pathLength),
    keyUsage(['keyCertSign', 'cRLSign']),
    subjectKeyIdentifier(subjectId),
    authorityKeyIdentifier(authorityId),
  ];
}

/** The intermediate's common name, derived from the root's. */
export function intermediateName(rootName: string): string {
  return `${rootName} Intermediate`;
}

function summarise(t: CertificateTemplate, cn: string, certFile: string, keyFile: string): CreatedCert {
  return {
    subject: `CN=${cn}`,
    serial: t.serial.toString('hex'),
    notBefore: t.notBefore.toISOString(),
    notAfter: t.notAfter.toISOString(),
    certFile,
    keyFile,
  };
}

async function existingCaFiles(paths: Record<keyof typeof CA_FILES, string>): Promise<string[]> {
  const candidates = [paths.meta, paths.rootCert, paths.rootKey, paths.intermediateCert, paths.intermediateKey];
  const found: string[] = [];
  for (const p of candidates) if (await exists(p)) found.push(p.slice(p.lastIndexOf('/') + 1));
  return found;
}

/** RFC 5280 ub-common-name. */
const UB_COMMON_NAME = 64;
/** The last instant a certificate can name: GeneralizedTime has four year digits. */
const LAST_ENCODABLE_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

function checkNotAfter(option: string, notAfter: number): void {
  if (Number.isFinite(notAfter) && notAfter <= LAST_ENCODABLE_TIME) return;
  throw usageError('USAGE_INVALID_VALUE', `${option} ends after 9999-12-31, the last date a certificate can hold`, 'use a shorter lifetime, e.g. 10y for a root and 1y for an intermediate');
}

const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** SPIFFE trust domain characters, as dot-separated labels (no empty label, as `manifest check` also demands). */
const TRUST_DOMAIN = /^(?=.{1,255}$)[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/** The host part of a URI name constraint: RFC 5280 4.2.1.10 constrains URIs by host. */
export function uriConstraintHost(value: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)\/?$/i.exec(value);
  return (m ? m[1]! : value).toLowerCase();
}

/**
 * Says what is wrong with a CA common name, or undefined when it is fine.
 * RFC 5280 caps a common name at 64 characters, and the intermediate's name
 * adds a suffix to the root's.
 */
export function caNameProblem(name: string, intermediate: boolean): string | undefined {
  const max = intermediate ? UB_COMMON_NAME - intermediateName('').length : UB_COMMON_NAME;
  if (name.trim() === '' || name.length > max) {
    return `must be 1 to ${max} characters (got ${name.length})${intermediate ? '; the intermediate is named "<name> Intermediate", which must fit in 64' : ''}`;
  }
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'must not hold control characters (newlines, tabs, escapes)';
  return undefined;
}

/** Says what is wrong with a SPIFFE trust domain, or undefined when it is fine. */
export function trustDomainProblem(value: string): string | undefined {
  return TRUST_DOMAIN.test(value) ? undefined : 'use lowercase letters, digits, dots, dashes and underscores, e.g. cluster.local';
}

/** @throws MtlsError USAGE_INVALID_VALUE for the first option that is wrong. */
function validateCaOptions(o: CreateCaOptions): void {
  const nameProblem = caNameProblem(o.name, o.intermediate);
  if (nameProblem !== undefined) throw usageError('USAGE_INVALID_VALUE', `--name ${nameProblem}`, 'e.g. --name "Acme Root CA"');
  const orgProblem = o.organization ? caNameProblem(o.organization, false) : undefined;
  if (orgProblem !== undefined) throw usageError('USAGE_INVALID_VALUE', `--organization ${orgProblem}`, 'e.g. --organization "Acme Ltd"');
  checkNotAfter('--root-ttl', o.now.getTime() + o.rootTtl);
  if (o.intermediate) checkNotAfter('--intermediate-ttl', o.now.getTime() + o.intermediateTtl);
  if (trustDomainProblem(o.trustDomain) !== undefined) {
    throw usageError('USAGE_INVALID_VALUE', `--trust-domain ${JSON.stringify(o.trustDomain)} is not a SPIFFE trust domain`, 'use lowercase letters, digits, dots, dashes and underscores, e.g. cluster.local');
  }
  if (o.intermediate && o.intermediateTtl > o.rootTtl) {
    throw usageError('USAGE_INVALID_VALUE', '--intermediate-ttl is longer than --root-ttl; the intermediate can never outlive the root', 'shorten --intermediate-ttl or lengthen --root-ttl');
  }
  if (!o.intermediate && (o.permitDns.length > 0 || o.permitUri.length > 0)) {
    throw usageError('USAGE', 'name constraints (--permit-dns, --permit-uri) go on the intermediate, and --no-intermediate was given', 'drop --no-intermediate, or drop the --permit-* options');
  }
  for (const d of o.permitDns) {
    if (!DNS_NAME.test(d.replace(/^\./, ''))) {
      throw usageError('USAGE_INVALID_VALUE', `--permit-dns ${JSON.stringify(d)} is not a DNS name or .domain suffix`, 'e.g. --permit-dns .svc.cluster.local');
    }
  }
  for (const u of o.permitUri) {
    if (!DNS_NAME.test(uriConstraintHost(u).replace(/^\./, ''))) {
      throw usageError('USAGE_INVALID_VALUE', `--permit-uri ${JSON.stringify(u)} does not name a host`, 'e.g. --permit-uri spiffe://cluster.local');
    }
  }
}
