/**
 * Kubernetes workloads to an mtlsctl manifest: one service per Deployment,
 * StatefulSet or DaemonSet, running as its pods' service account, named by
 * the Services that select its pods.
 */
import { Document, YAMLSeq } from 'yaml';
import { inputError, usageError } from '../errors.js';
import { field, readK8sFiles, STDIN_ARG, STDIN_NAME, type K8sObject } from './k8s-read.js';
import { defaultDnsNames, MANIFEST_DEFAULTS } from './resolve.js';
import { checkDnsLabel, checkDnsName, checkServiceAccount, checkTrustDomain } from './rules.js';

/** Kinds whose pods become services. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

/** Options of manifestFromK8s. */
export interface FromK8sOptions {
  cwd: string;
  trustDomain?: string;
  clusterDomain?: string;
  /** Names the header comment gives the inputs (default: the file names as given). */
  sourceNames?: string[];
  /** Read for the file argument `-` (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/** One generated service entry, as it is written into the manifest. */
export interface DraftService {
  name: string;
  namespace: string;
  serviceAccount: string;
  dns?: string[];
}

/** The generated manifest as data, its YAML text and what was found. */
export interface FromK8sResult {
  manifest: {
    /** Only when --trust-domain was given: otherwise the manifest takes its CA's. */
    trustDomain?: string;
    clusterDomain: string;
    caDir: string;
    outDir: string;
    defaults: { usage: string; keyType: string; ttl: string };
    services: DraftService[];
  };
  /** The manifest as YAML, with a header comment naming the inputs. */
  text: string;
  counts: { objects: number; workloads: number; k8sServices: number; serviceAccounts: number; skipped: number };
  /** Things a person should look at: renamed workloads, undefined service accounts. */
  warnings: string[];
}

interface Workload {
  object: K8sObject;
  labels: Record<string, string>;
  draft: DraftService;
}

/**
 * Reads Kubernetes YAML files and derives a manifest.
 * @throws MtlsError USAGE_INVALID_VALUE (exit 2) for a malformed trust or cluster domain.
 * @throws MtlsError FILE_NOT_FOUND or K8S_UNPARSEABLE (exit 3) for unreadable input,
 *   K8S_NO_WORKLOADS (exit 3) when no workload is found.
 */
export async function manifestFromK8s(files: string[], options: FromK8sOptions): Promise<FromK8sResult> {
  checkOption('--trust-domain', options.trustDomain, checkTrustDomain);
  checkOption('--cluster-domain', options.clusterDomain, (v) => checkDnsName(v, 'cluster domain'));
  const input = await readK8sFiles(files, options.cwd, options.stdin);
  const clusterDomain = options.clusterDomain ?? MANIFEST_DEFAULTS.clusterDomain;
  const warnings: string[] = [];
  const workloads = workloadsOf(input.objects, warnings, clusterDomain);
  if (workloads.length === 0) {
    throw inputError('K8S_NO_WORKLOADS', `found no Deployment, StatefulSet or DaemonSet in ${files.join(', ')}`, 'name the files that hold your workloads, e.g. kubectl get deploy,sts,ds -A -o yaml > all.yaml');
  }
  const k8sServices = input.objects.filter((o) => o.kind === 'Service');
  for (const service of k8sServices) addServiceNames(service, workloads, clusterDomain, warnings);
  const accounts = input.objects.filter((o) => o.kind === 'ServiceAccount');
  warnings.push(...undefinedAccounts(workloads, accounts));

  const manifest: FromK8sResult['manifest'] = {
    ...(options.trustDomain !== undefined ? { trustDomain: options.trustDomain } : {}),
    clusterDomain,
    caDir: MANIFEST_DEFAULTS.caDir,
    outDir: MANIFEST_DEFAULTS.outDir,
    defaults: { usage: MANIFEST_DEFAULTS.usage, keyType: MANIFEST_DEFAULTS.keyType, ttl: MANIFEST_DEFAULTS.ttl },
    services: workloads.map((w) => w.draft),
  };
  return {
    manifest,
    text: render(manifest, workloads, options.sourceNames ?? files.map((f) => (f === STDIN_ARG ? STDIN_NAME : f))),
    counts: {
      objects: input.objects.length,
      workloads: workloads.length,
      k8sServices: k8sServices.length,
      serviceAccounts: accounts.length,
      skipped: input.skipped,
    },
    warnings,
  };
}

function checkOption(option: string, value: string | undefined, rule: (v: string) => string | undefined): void {
  const problem = value === undefined ? undefined : rule(value);
  if (problem === undefined) return;
  const [what, fix] = problem.split('; ');
  throw usageError('USAGE_INVALID_VALUE', `${option} ${what}`, fix);
}

function workloadsOf(objects: K8sObject[], warnings: string[], clusterDomain: string): Workload[] {
  const used = new Set<string>();
  const workloads: Workload[] = [];
  for (const object of objects) {
    if (!(WORKLOAD_KINDS as readonly string[]).includes(object.kind)) continue;
    const pod = field(object.body, 'spec', 'template', 'spec');
    const account = field(pod, 'serviceAccountName') ?? field(pod, 'serviceAccount');
    const identity = tidyIdentity(object, typeof account === 'string' && account !== '' ? account : 'default', warnings);
    const name = uniqueName(object, identity.namespace, used, warnings);
    workloads.push({
      object,
      labels: stringMap(field(object.body, 'spec', 'template', 'metadata', 'labels')),
      draft: { name, ...identity, ...clusterNamesIfRenamed(object, name, identity.namespace, clusterDomain) },
    });
  }
  return workloads;
}

/**
 * A manifest name for a workload. Names must be DNS labels and unique across
 * namespaces, because each service gets an output folder named after it.
 */
function uniqueName(object: K8sObject, namespace: string, used: Set<string>, warnings: string[]): string {
  const base = checkDnsLabel(object.name) === undefined ? object.name : asLabel(object.name, 'workload');
  let name = base;
  // A third workload of one name would get the second one's name-namespace: count on.
  for (let n = 1; used.has(name); n++) {
    const suffix = `-${namespace.slice(0, 40)}${n === 1 ? '' : `-${n}`}`;
    name = asLabel(`${base.slice(0, 63 - suffix.length)}${suffix}`, 'workload');
  }
  if (name !== object.name) {
    warnings.push(`${object.kind} ${object.namespace}/${object.name} (${object.source}) is named ${name} in the manifest, as service names must be unique DNS labels`);
  }
  used.add(name);
  return name;
}

/**
 * A workload renamed to stay unique keeps the names the cluster resolves for
 * it: name.ns, name.ns.svc and name.ns.svc.<clusterDomain> under its real
 * name. The bare name is left out: it means the workload of the caller's own namespace.
 */
function clusterNamesIfRenamed(object: K8sObject, name: string, namespace: string, clusterDomain: string): { dns?: string[] } {
  if (name === object.name || checkDnsLabel(object.name) !== undefined) return {};
  return { dns: defaultDnsNames(object.name, namespace, clusterDomain).slice(1) };
}

/** A DNS label made from any text: lower case, '-' for the rest, `fallback` when nothing is left. */
function asLabel(text: string, fallback: string): string {
  const label = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');
  return label === '' ? fallback : label;
}

/**
 * The namespace and service account as the manifest can hold them. Kubernetes
 * itself rejects other spellings, so these come from hand-written or edited
 * YAML; the manifest must still load, and the user is told what changed.
 */
function tidyIdentity(object: K8sObject, account: string, warnings: string[]): { namespace: string; serviceAccount: string } {
  const namespace = checkDnsLabel(object.namespace) === undefined ? object.namespace : asLabel(object.namespace, 'default');
  const serviceAccount = checkServiceAccount(account) === undefined
    ? account
    : account.split('.').map((l) => asLabel(l, 'sa')).join('.').slice(0, 253);
  if (namespace !== object.namespace) {
    warnings.push(`namespace "${object.namespace}" of ${object.kind} ${object.name} (${object.source}) is not a DNS label; the manifest uses ${namespace}`);
  }
  if (serviceAccount !== account) {
    warnings.push(`service account ${JSON.stringify(account)} of ${object.kind} ${object.name} (${object.source}) is not a valid name; the manifest uses ${serviceAccount}`);
  }
  return { namespace, serviceAccount };
}

/** Adds a Service's DNS names to every workload in its namespace whose pod labels it selects. */
function addServiceNames(service: K8sObject, workloads: Workload[], clusterDomain: string, warnings: string[]): void {
  const selector = stringMap(field(service.body, 'spec', 'selector'));
  const pairs = Object.entries(selector);
  if (pairs.length === 0) return; // no selector: endpoints are managed by hand, or an ExternalName
  if (checkDnsLabel(service.name) !== undefined || checkDnsLabel(service.namespace) !== undefined) {
    warnings.push(`Service ${service.namespace}/${service.name} (${service.source}) is not named by DNS labels; its names are left out`);
    return;
  }
  for (const w of workloads) {
    if (w.object.namespace !== service.namespace) continue;
    if (!pairs.every(([k, v]) => w.labels[k] === v)) continue;
    const covered = new Set([...defaultDnsNames(w.draft.name, w.draft.namespace, clusterDomain), ...(w.draft.dns ?? [])]);
    const extra = defaultDnsNames(service.name, service.namespace, clusterDomain).filter((n) => !covered.has(n));
    if (extra.length > 0) w.draft.dns = [...(w.draft.dns ?? []), ...extra];
  }
}

function undefinedAccounts(workloads: Workload[], accounts: K8sObject[]): string[] {
  const defined = new Set(accounts.map((a) => `${a.namespace}/${a.name}`));
  return workloads
    .filter((w) => w.draft.serviceAccount !== 'default' && !defined.has(`${w.object.namespace}/${w.draft.serviceAccount}`))
    .map((w) => `service account ${w.draft.namespace}/${w.draft.serviceAccount} of ${w.object.kind} ${w.object.name} is not defined in the input; the SPIFFE ID names it anyway`);
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** The manifest as commented YAML. */
function render(manifest: FromK8sResult['manifest'], workloads: Workload[], sources: string[]): string {
  const doc = new Document(manifest);
  doc.commentBefore = [
    ' mtlsctl manifest, generated by `mtlsctl manifest from-k8s` from:',
    ...sources.map((s) => `   ${s}`),
    ` ${workloads.length} workload${workloads.length === 1 ? '' : 's'} became services. Edit freely, then run`,
    ' `mtlsctl manifest check` and `mtlsctl issue`. Format: see README.',
  ].join('\n');
  const seq = doc.get('services') as YAMLSeq | undefined;
  seq?.items.forEach((item, i) => {
    const w = workloads[i]!;
    (item as { commentBefore?: string }).commentBefore = ` ${w.object.kind} ${w.object.namespace}/${w.object.name} (${w.object.source})`;
  });
  return doc.toString({ lineWidth: 0 });
}
