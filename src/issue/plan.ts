/** Decides, per service, whether to issue, renew, reissue or leave it alone. */
import { join } from 'node:path';
import { EXIT, MtlsError, inputError, usageError } from '../errors.js';
import type { Manifest, ServiceSpec } from '../manifest/types.js';
import { authorityKeyIdentifier, extKeyUsage, subjectAltName } from '../pki/extensions.js';
import { OID } from '../pki/oids.js';
import { extKeyUsagesFor, leafBackdate } from './leaf.js';
import { caKeyIdentifier, type CaView } from './ca-view.js';
import { assertPermitted, fitDefaultNames } from './constraints.js';
import { readCurrentFiles, type CurrentFiles } from './current.js';
import { servicePaths, SERVICE_FILES, type ServicePaths } from './files.js';
import { decodeSans, describeSanChange } from './names.js';
import { readRecords } from './record.js';
import { withCaTrustDomain } from '../manifest/resolve.js';
import { formatDuration } from '../time/duration.js';
import type { CertificateParts } from '../pki/der-reader.js';

/** What happens to one service. */
export type PlanAction = 'issue' | 'renew' | 'reissue' | 'unchanged';

/** One service's decision with the reason a person reads. */
export interface PlannedService {
  spec: ServiceSpec;
  paths: ServicePaths;
  action: PlanAction;
  reason: string;
  /** The certificate in place now, if readable. */
  current?: { serial: string; notAfter: Date };
}

/** The plan for a run, with warnings and notes for the person running it. */
export interface IssuePlan {
  services: PlannedService[];
  warnings: string[];
  /** Information, not a problem: automatic names left out for the CA's constraints. */
  notes: string[];
}

/** Options of planning. */
export interface PlanOptions {
  force?: boolean;
  /** Only these services (names); all when absent or empty. */
  only?: string[];
  /**
   * Skip the check that files to be replaced were issued from this CA
   * directory. For the plan made without the lock: another run may be midway
   * through writing, so only the plan under the lock can judge ownership.
   */
  skipOwnership?: boolean;
}

/** What every leaf of this CA must carry, precomputed once per run. */
interface Expected {
  issuer: Buffer;
  aki: Buffer;
  chainTail: string;
  trustPem: string;
}

/**
 * Plans a run: reads each selected service's files and compares them with the
 * manifest and the issuing CA.
 * @throws MtlsError USAGE (unknown --only name), SAN_NOT_PERMITTED, REFUSE_OVERWRITE (files this CA directory did not issue).
 */
export function planIssue(given: Manifest, ca: CaView, now: Date, options: PlanOptions = {}): IssuePlan {
  // loadManifest already did this when it could read ca.json; planning has the CA for certain.
  const manifest = withCaTrustDomain(given, ca.meta.trustDomain);
  const fitted = fitDefaultNames(selectServices(manifest.services, options.only), ca.meta.permitted, manifest.clusterDomain);
  const selected = fitted.services;
  assertPermitted(selected, ca.meta.permitted, ca.dir);
  const warnings: string[] = [];
  const notes = fitted.leftOut.length === 0 ? [] : [leftOutNote(fitted.leftOut, ca.meta.permitted.dns)];
  assertTrustDomain(manifest, ca);
  const expected: Expected = {
    issuer: ca.cert.parts.subject,
    aki: authorityKeyIdentifier(caKeyIdentifier(ca)).value,
    chainTail: ca.chainPem,
    trustPem: ca.trustBundlePem,
  };
  const caNotAfter = ca.cert.parts.notAfter;
  const services = selected.map((spec) => {
    const paths = servicePaths(manifest.outDir, spec.name, spec.formats.includes('p12'));
    const planned = decide(spec, paths, readCurrentFiles(paths), expected, now, caNotAfter);
    if (options.force && planned.action === 'unchanged') {
      return { ...planned, action: 'reissue' as const, reason: 'forced with --force' };
    }
    if (planned.action === 'unchanged' && planned.reason.startsWith('due')) warnings.push(`${spec.name}: ${planned.reason}`);
    return planned;
  });
  if (!options.force && !options.skipOwnership) refuseForeignFiles(services, ca.dir);
  return { services, warnings, notes };
}

/**
 * Refuses to replace a certificate this CA directory never issued (its serial
 * is not in issued.jsonl): it was put there by hand or by another tool, and
 * its key may be the only copy. Unreadable files are ours to repair.
 * @throws MtlsError REFUSE_OVERWRITE naming each service and its files.
 */
function refuseForeignFiles(services: PlannedService[], caDir: string): void {
  const replacing = services.filter((p) => p.action !== 'unchanged' && p.current !== undefined);
  if (replacing.length === 0) return;
  const ours = new Set(readRecords(caDir).map((r) => r.serial));
  const foreign = replacing.filter((p) => !ours.has(p.current!.serial));
  if (foreign.length === 0) return;
  const lines = foreign.map((p) => `${p.spec.name}: ${p.paths.cert} (serial ${p.current!.serial}) and ${p.paths.key}`);
  const first = foreign[0]!;
  throw new MtlsError(
    'REFUSE_OVERWRITE',
    EXIT.localState,
    foreign.length === 1
      ? `${first.spec.name}: ${first.paths.cert} and ${first.paths.key} were not issued from ${caDir}; nothing was written`
      : `${foreign.length} services hold certificates not issued from ${caDir}; nothing was written`,
    {
      hint: `keep a copy if you need them, then replace them with: mtlsctl issue --force --only ${foreign.map((p) => p.spec.name).join(',')}`,
      details: foreign.length === 1 ? [] : lines,
    },
  );
}

/**
 * An explicit manifest trustDomain must be the CA's: peers that check SPIFFE
 * IDs trust one domain per CA, and URI constraints name it.
 * @throws MtlsError TRUST_DOMAIN_MISMATCH.
 */
function assertTrustDomain(manifest: Manifest, ca: CaView): void {
  if (manifest.trustDomain === ca.meta.trustDomain) return;
  throw inputError(
    'TRUST_DOMAIN_MISMATCH',
    `trustDomain ${manifest.trustDomain} in ${manifest.file} differs from the CA's ${ca.meta.trustDomain} (${join(ca.dir, 'ca.json')}); nothing was written`,
    `remove trustDomain from the manifest to use the CA's, or set trustDomain: ${ca.meta.trustDomain}`,
  );
}

/** One line for the whole run: the first few names, then a count. */
function leftOutNote(leftOut: string[], permitted: string[]): string {
  const shown = leftOut.slice(0, 3).join(', ');
  const more = leftOut.length > 3 ? ` and ${leftOut.length - 3} more` : '';
  return `left out ${leftOut.length} automatic DNS name${leftOut.length === 1 ? '' : 's'} outside the CA's name constraints (${permitted.join(', ')}): ${shown}${more}`;
}

/**
 * The services named by --only, in manifest order.
 * @throws MtlsError USAGE_INVALID_VALUE naming the unknown names and the known ones.
 */
export function selectServices(services: ServiceSpec[], only: string[] | undefined): ServiceSpec[] {
  if (!only || only.length === 0) return services;
  const known = new Set(services.map((s) => s.name));
  const unknown = only.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw usageError(
      'USAGE_INVALID_VALUE',
      `--only names ${unknown.length === 1 ? 'a service' : 'services'} not in the manifest: ${unknown.join(', ')}`,
      `known services: ${[...known].join(', ')}`,
    );
  }
  const wanted = new Set(only);
  return services.filter((s) => wanted.has(s.name));
}

function decide(
  spec: ServiceSpec,
  paths: ServicePaths,
  files: CurrentFiles,
  expected: Expected,
  now: Date,
  caNotAfter: Date,
): PlannedService {
  const base = { spec, paths };
  const cert = files.cert;
  if (cert === undefined) return { ...base, action: 'issue', reason: 'no certificate yet' };
  if ('error' in cert) return { ...base, action: 'reissue', reason: `${SERVICE_FILES.cert} ${cert.error}` };
  const current = { serial: cert.parts.serial.toString('hex'), notAfter: cert.parts.notAfter };
  const changed = whatChanged(spec, cert.parts, files, expected);
  if (changed) return { ...base, current, action: 'reissue', reason: changed };
  const renewAt = cert.parts.notAfter.getTime() - spec.renewBefore;
  if (renewAt > now.getTime()) return { ...base, current, action: 'unchanged', reason: 'up to date' };
  const expired = cert.parts.notAfter.getTime() <= now.getTime();
  // A new leaf would end at notBefore + ttl, notBefore being backdated (leafTemplate).
  const longer = Math.min(now.getTime() - leafBackdate(spec.ttl) + spec.ttl, caNotAfter.getTime()) > cert.parts.notAfter.getTime();
  if (!longer) {
    return { ...base, current, action: 'unchanged', reason: `due for renewal, but a new certificate cannot outlive the issuing CA (${caNotAfter.toISOString().slice(0, 10)}): renew the CA` };
  }
  const why = expired ? 'expired' : `expires ${cert.parts.notAfter.toISOString().slice(0, 10)}, within renewBefore ${formatDuration(spec.renewBefore)}`;
  return { ...base, current, action: 'renew', reason: why };
}

/** The first difference that forces a reissue, in words, or undefined. */
function whatChanged(spec: ServiceSpec, parts: CertificateParts, files: CurrentFiles, expected: Expected): string | undefined {
  const key = files.key;
  if (key === undefined) return `${SERVICE_FILES.key} is missing`;
  if ('error' in key) return `${SERVICE_FILES.key} ${key.error}`;
  if (!key.spki.equals(parts.subjectPublicKeyInfo)) return `${SERVICE_FILES.key} does not match ${SERVICE_FILES.cert}`;
  if (!parts.issuer.equals(expected.issuer) || !parts.extensions.get(OID.authorityKeyIdentifier)?.value.equals(expected.aki)) {
    return 'issued by another CA than the current issuing CA';
  }
  const type = key.type;
  if (type !== spec.keyType) return `key type ${type ?? 'unknown'} -> ${spec.keyType}`;
  const sans = subjectAltName({ dns: spec.dns, ip: spec.ip, uri: spec.uri }).value;
  const certSans = parts.extensions.get(OID.subjectAltName)?.value;
  if (!certSans || !certSans.equals(sans)) {
    const diff = certSans ? describeSanChange(spec, decodeSans(certSans)) : 'none in the certificate';
    return `SANs changed: ${diff || 'order'}`;
  }
  const eku = parts.extensions.get(OID.extKeyUsage)?.value;
  if (!eku || !eku.equals(extKeyUsage(extKeyUsagesFor(spec.usage)).value)) return `usage changed to ${spec.usage}`;
  return filesChanged(spec, files, expected);
}

function filesChanged(spec: ServiceSpec, files: CurrentFiles, expected: Expected): string | undefined {
  const certPem = files.cert && 'pem' in files.cert ? files.cert.pem : '';
  if (files.chainPem === undefined) return `${SERVICE_FILES.chain} is missing`;
  if (files.chainPem !== certPem + expected.chainTail) return `${SERVICE_FILES.chain} does not hold the certificate and its issuer`;
  if (files.caPem === undefined) return `${SERVICE_FILES.ca} is missing`;
  if (files.caPem !== expected.trustPem) return `${SERVICE_FILES.ca} is not the CA's trust bundle`;
  if (spec.formats.includes('p12') && !files.p12) return `${spec.name}.p12 is missing`;
  return undefined;
}
