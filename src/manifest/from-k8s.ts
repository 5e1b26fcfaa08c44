/**
 * Kubernetes workloads to an mtlsctl manifest: one service per Deployment,
 * StatefulSet or DaemonSet, running as its pods' service account, named by
 * the Services that select its pods.
 */
import { Document, YAMLSeq } from 'yaml';
import { inputError, usageError } from '../errors.js';
import { field, readK8sFiles, STDIN_ARG, STDIN_NAME, type K8sObject } from './k8s-read.js';
import { defaultDnsNames, MANIFEST_DEFAULTS } from './resolve.js';
import { checkDnsLabel, checkDnsName, checkTrustDomain } from './rules.js';

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
  for (const service of k8sServices) addServiceNames(service, workloads, clusterDomain);
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
    const name = uniqueName(object, used, warnings);
    workloads.push({
      object,
      labels: stringMap(field(object.body, 'spec', 'template', 'metadata', 'labels')),
      draft: {
        name,
        namespace: object.namespace,
        serviceAccount: typeof account === 'string' && account !== '' ? account : 'default',
        ...clusterNamesIfRenamed(object, name, clusterDomain),
      },
    });
  }
  return workloads;
}

/**
 * A manifest name for a workload. Names must be DNS labels and unique across
 * namespaces, because each service gets an output folder named after it.
 */
function uniqueName(object: K8sObject, used: Set<string>, warnings: string[]): string {
  let name = object.name;
  if (checkDnsLabel(name) !== undefined) name = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');
  if (used.has(name)) name = `${name}-${object.namespace}`.slice(0, 63).replace(/-+$/, '');
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
function clusterNamesIfRenamed(object: K8sObject, name: string, clusterDomain: string): { dns?: string[] } {
  if (name === object.name || checkDnsLabel(object.name) !== undefined) return {};
  return { dns: defaultDnsNames(object.name, object.namespace, clusterDomain).slice(1) };
}

/** Adds a Service's DNS names to every workload in its namespace whose pod labels it selects. */
function addServiceNames(service: K8sObject, workloads: Workload[], clusterDomain: string): void {
  const selector = stringMap(field(service.body, 'spec', 'selector'));
  const pairs = Object.entries(selector);
  if (pairs.length === 0) return; // no selector: endpoints are managed by hand, or an ExternalName
  for (const w of workloads) {
    if (w.draft.namespace !== service.namespace) continue;
    if (!pairs.every(([k, v]) => w.labels[k] === v)) continue;
    const covered = new Set([...defaultDnsNames(w.draft.name, w.draft.namespace, clusterDomain), ...(w.draft.dns ?? [])]);
    const extra = defaultDnsNames(service.name, service.namespace, clusterDomain).filter((n) => !covered.has(n));
    if (extra.length > 0) w.draft.dns = [...(w.draft.dns ?? []), ...extra];
  }
}

function undefinedAccounts(workloads: Workload[], accounts: K8sObject[]): string[] {
  const defined = new Set(accounts.map((a) => `${a.namespace}/${a.name}`));
  return workloads
    .filter((w) => w.draft.serviceAccount !== 'default' && !defined.has(`${w.draft.namespace}/${w.draft.serviceAccount}`))
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
