/** Carries out a plan: a fresh key and leaf per service, written atomically. */
import type { KeyObject } from 'node:crypto';
import type { Pkcs12Input } from '../pki/pkcs12.js';
import type { IssuingCa } from '../ca/ca-dir.js';
import { ensureDirSync, writeFileAtomicSync } from '../fs/atomic-write-sync.js';
import { KEY_MODE } from '../fs/atomic-write.js';
import { certificatePem } from '../pki/certificate.js';
import { isRsa } from '../pki/key-types.js';
import { generateKey } from '../pki/keys.js';
import { toPem } from '../pki/pem.js';
import { publicSideOfPkcs8 } from '../pki/pkcs8-public.js';
import { issueLeaf, issuerOf, type Issuer } from './leaf.js';
import type { PlannedService } from './plan.js';
import type { ActiveRecord, IssuedRecord } from './record.js';

/** What was done to a service, as reported and recorded. */
export type DoneAction = 'issued' | 'renewed' | 'reissued' | 'unchanged';

/** One service after the run. */
export interface IssueOutcome {
  service: string;
  namespace: string;
  action: DoneAction;
  reason: string;
  serial: string;
  notBefore?: string;
  notAfter: string;
  /** True when the validity was cut short at the issuing CA's expiry. */
  clamped: boolean;
  /** The serial this certificate replaces. */
  supersedes?: string;
  files: string[];
}

/** Settings of a run. */
export interface ExecuteOptions {
  now: Date;
  /** Key generations in flight at once (they run on libuv's thread pool). */
  concurrency?: number;
  /** PKCS#12 passwords by service name, for services that ask for p12. */
  p12Passwords?: Map<string, string>;
  /** Builds a PKCS#12 file; loaded only when some service asks for one. */
  buildP12?: (input: Pkcs12Input) => Buffer;
  onProgress?: (done: number, total: number) => void;
  /** Called as each service's files are in place, so a later failure still records it. */
  onIssued?: (outcome: IssueOutcome) => void;
}

const DONE: Record<PlannedService['action'], DoneAction> = {
  issue: 'issued',
  renew: 'renewed',
  reissue: 'reissued',
  unchanged: 'unchanged',
};

/**
 * Issues every service of the plan that needs it; unchanged ones are not touched.
 * @throws MtlsError WRITE_FAILED.
 */
export async function executePlan(plan: PlannedService[], ca: IssuingCa, options: ExecuteOptions): Promise<IssueOutcome[]> {
  const issuer = issuerOf(ca.cert.parts, ca.key);
  const chainTail = ca.chainPem;
  const intermediates = chainTail === '' ? [] : [ca.cert.der];
  const work = plan.filter((p) => p.action !== 'unchanged');
  const outcomes = new Map<PlannedService, IssueOutcome>();
  let done = 0;
  await forEachLimited(work, options.concurrency ?? 32, async (p) => {
    const key = await generateKey(p.spec.keyType);
    const outcome = issueOne(p, key.privateKey, issuer, { chainTail, trustPem: ca.trustBundlePem, intermediates }, options);
    outcomes.set(p, outcome);
    options.onIssued?.(outcome);
    options.onProgress?.(++done, work.length);
  });
  return plan.map((p) => outcomes.get(p) ?? unchangedOutcome(p));
}

interface CaFiles {
  chainTail: string;
  trustPem: string;
  intermediates: Buffer[];
}

function issueOne(p: PlannedService, key: KeyObject, issuer: Issuer, ca: CaFiles, options: ExecuteOptions): IssueOutcome {
  const { spec, paths } = p;
  // One export serves key.pem and the certificate's public key (node's own SPKI export costs more than signing).
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const { der, template } = issueLeaf({
    commonName: spec.name,
    altNames: { dns: spec.dns, ip: spec.ip, uri: spec.uri },
    usage: spec.usage,
    subjectPublicKeyInfo: publicSideOfPkcs8(pkcs8).spki,
    rsa: isRsa(spec.keyType),
    issuedAt: options.now,
    ttl: spec.ttl,
  }, issuer);
  const certPem = certificatePem(der);
  ensureDirSync(paths.dir);
  // The key first: a reader that sees the new certificate finds its key already in place.
  writeFileAtomicSync(paths.key, toPem('PRIVATE KEY', pkcs8), KEY_MODE);
  writeFileAtomicSync(paths.cert, certPem);
  writeFileAtomicSync(paths.chain, certPem + ca.chainTail);
  writeFileAtomicSync(paths.ca, ca.trustPem);
  if (paths.p12 && options.buildP12) {
    const password = options.p12Passwords?.get(spec.name) ?? '';
    const friendlyName = spec.p12?.friendlyName ?? spec.name;
    const p12 = options.buildP12({ key, certs: [der, ...ca.intermediates], password, friendlyName, legacy: spec.p12?.legacy ?? false });
    writeFileAtomicSync(paths.p12, p12, KEY_MODE);
  }
  return {
    service: spec.name,
    namespace: spec.namespace,
    action: DONE[p.action],
    reason: p.reason,
    serial: template.serial.toString('hex'),
    notBefore: wholeSeconds(template.notBefore),
    notAfter: wholeSeconds(template.notAfter),
    clamped: template.notAfter.getTime() < template.notBefore.getTime() + spec.ttl,
    ...(p.current ? { supersedes: p.current.serial } : {}),
    files: [paths.cert, paths.key, paths.chain, paths.ca, ...(paths.p12 ? [paths.p12] : [])],
  };
}

/** A time as the certificate states it: DER times drop milliseconds. */
function wholeSeconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
}

/** The outcome of a service left as it is. */
export function unchangedOutcome(p: PlannedService): IssueOutcome {
  return {
    service: p.spec.name,
    namespace: p.spec.namespace,
    action: 'unchanged',
    reason: p.reason,
    serial: p.current?.serial ?? '',
    notAfter: p.current?.notAfter.toISOString() ?? '',
    clamped: false,
    files: [],
  };
}

/** The record lines for a run's outcomes: one active line per new certificate, one superseded line per replaced one. */
export function recordsOf(outcomes: IssueOutcome[], plan: PlannedService[], now: Date): IssuedRecord[] {
  const specs = new Map(plan.map((p) => [p.spec.name, p.spec]));
  const out: IssuedRecord[] = [];
  for (const o of outcomes) {
    if (o.action === 'unchanged') continue;
    const spec = specs.get(o.service)!;
    if (o.supersedes) {
      out.push({ serial: o.supersedes, service: o.service, namespace: o.namespace, status: 'superseded', supersededBy: o.serial, at: now.toISOString() });
    }
    const active: ActiveRecord = {
      serial: o.serial, service: o.service, namespace: o.namespace,
      dns: spec.dns, ip: spec.ip, uri: spec.uri,
      notBefore: o.notBefore!, notAfter: o.notAfter, issuedAt: now.toISOString(), status: 'active',
    };
    out.push(active);
  }
  return out;
}

/**
 * Runs `fn` over items with at most `limit` in flight. After a failure no new
 * item starts, and every running one finishes before the failure is thrown,
 * so nothing writes after the caller has released the CA lock.
 */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
