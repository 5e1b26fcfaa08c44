/**
 * One `mtlsctl issue` run: plan without the lock, and when there is work,
 * take the CA lock, plan again (another run may have just written), issue,
 * record and release.
 */
import { loadIssuingCa } from '../ca/ca-dir.js';
import type { Manifest } from '../manifest/types.js';
import { loadCaView } from './ca-view.js';
import { executePlan, recordsOf, unchangedOutcome, type IssueOutcome } from './execute.js';
import { acquireCaLock, type LockOwner } from './lock.js';
import { resolveP12Password } from './p12-password.js';
import { planIssue, type PlannedService } from './plan.js';
import { appendRecords } from './record.js';
import { stateError } from '../errors.js';

/** Inputs of a run besides the manifest. */
export interface IssueRunOptions {
  now: Date;
  env: NodeJS.ProcessEnv;
  force?: boolean;
  only?: string[];
  dryRun?: boolean;
  /**
   * Asked only when something must be signed, before the CA lock is taken (a
   * person may be typing). `encrypted` says whether ca.json marks the key encrypted.
   */
  passphrase: (encrypted: boolean) => Promise<string | undefined>;
  lockTimeoutMs: number;
  concurrency?: number;
  onWait?: (owner: LockOwner | undefined) => void;
  onProgress?: (done: number, total: number) => void;
}

/** What a run decided and did. */
export interface IssueRunResult {
  dryRun: boolean;
  plan: PlannedService[];
  /** Empty for a dry run. */
  outcomes: IssueOutcome[];
  warnings: string[];
  /** Information for stderr, e.g. automatic names left out for the CA's constraints. */
  notes: string[];
}

/**
 * Runs issue for a manifest.
 * @throws MtlsError CA_NOT_FOUND, CA_INVALID, CA_EXPIRED, SAN_NOT_PERMITTED, REFUSE_OVERWRITE, LOCKED, P12_PASSWORD_REQUIRED, WRITE_FAILED, USAGE_INVALID_VALUE.
 */
export async function runIssue(manifest: Manifest, o: IssueRunOptions): Promise<IssueRunResult> {
  const view = await loadCaView(manifest.caDir);
  const first = planIssue(manifest, view, o.now, { force: o.force, only: o.only, skipOwnership: !o.dryRun });
  const hasWork = (plan: PlannedService[]) => plan.some((p) => p.action !== 'unchanged');
  if (o.dryRun || !hasWork(first.services)) {
    return { dryRun: Boolean(o.dryRun), plan: first.services, outcomes: o.dryRun ? [] : first.services.map(unchangedOutcome), warnings: first.warnings, notes: first.notes };
  }
  const passwords = p12Passwords(first.services, manifest, o.env);
  const passphrase = await o.passphrase(view.meta.encrypted);
  const release = await acquireCaLock(manifest.caDir, { timeoutMs: o.lockTimeoutMs, onWait: o.onWait });
  try {
    return await issueUnderLock(manifest, o, passwords, passphrase);
  } finally {
    release();
  }
}

/** Plans again with the issuing CA (another run may have just written), issues and records. */
async function issueUnderLock(manifest: Manifest, o: IssueRunOptions, passwords: Map<string, string>, passphrase: string | undefined): Promise<IssueRunResult> {
  const ca = await loadIssuingCa(manifest.caDir, passphrase);
  if (ca.cert.parts.notAfter.getTime() <= o.now.getTime()) {
    throw stateError('CA_EXPIRED', `the issuing CA in ${manifest.caDir} expired on ${ca.cert.parts.notAfter.toISOString()}`, 'create a new CA with mtlsctl init --force, then issue --force');
  }
  const plan = planIssue(manifest, ca, o.now, { force: o.force, only: o.only });
  for (const [name, password] of p12Passwords(plan.services, manifest, o.env)) passwords.set(name, password);
  const buildP12 = passwords.size > 0 ? (await import('../pki/pkcs12.js')).buildPkcs12 : undefined;
  const written: IssueOutcome[] = [];
  try {
    const outcomes = await executePlan(plan.services, ca, {
      now: o.now, concurrency: o.concurrency, p12Passwords: passwords, onProgress: o.onProgress, buildP12,
      onIssued: (outcome) => written.push(outcome),
    });
    return { dryRun: false, plan: plan.services, outcomes, warnings: [...plan.warnings, ...asciiWarnings(passwords)], notes: plan.notes };
  } finally {
    // Record what reached the disk even when a later service failed.
    appendRecords(manifest.caDir, recordsOf(written, plan.services, o.now));
  }
}

/** Resolves the password of every p12 service that will be written, before anything is. */
function p12Passwords(plan: PlannedService[], manifest: Manifest, env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of plan) {
    if (p.action === 'unchanged' || !p.spec.formats.includes('p12')) continue;
    out.set(p.spec.name, resolveP12Password(p.spec, manifest.file, env));
  }
  return out;
}

/** Java's keytool refuses PKCS#12 passwords outside ASCII ("Password is not ASCII"). */
function asciiWarnings(passwords: Map<string, string>): string[] {
  return [...passwords]
    .filter(([, password]) => /[^\x20-\x7e]/.test(password))
    .map(([name]) => `${name}: the PKCS#12 password is not plain ASCII; Java (keytool, KeyStore) cannot open the file`);
}
