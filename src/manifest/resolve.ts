/** Applies defaults to a validated manifest: the shape the rest of mtlsctl uses. */
import { dirname, resolve } from 'node:path';
import { parseDuration } from '../time/duration.js';
import type { Manifest, OutputFormat, ServiceSpec } from './types.js';
import type { RawDefaults, RawManifest, RawService } from './schema.js';
import { DEFAULT_TTL } from './cross-checks.js';
import { canonicalIp } from './rules.js';

/** Defaults of the top-level fields. */
export const MANIFEST_DEFAULTS = {
  trustDomain: 'cluster.local',
  clusterDomain: 'cluster.local',
  caDir: 'pki',
  outDir: 'out',
  namespace: 'default',
  usage: 'both',
  keyType: 'ecdsa-p256',
  ttl: DEFAULT_TTL,
} as const;

/** The environment variable that holds the PKCS#12 password when none is configured. */
export const P12_PASSWORD_ENV = 'MTLSCTL_P12_PASSWORD';

/** Everything needed to resolve one service besides the service itself. */
interface Context {
  file: string;
  trustDomain: string;
  clusterDomain: string;
  defaults: RawDefaults;
}

/**
 * Builds the resolved manifest. `file` is absolute; `lines` gives each
 * service's 1-based line. The input must have passed validation.
 */
export function resolveManifest(raw: RawManifest, file: string, lines: number[]): Manifest {
  const base = dirname(file);
  const ctx: Context = {
    file,
    trustDomain: raw.trustDomain ?? MANIFEST_DEFAULTS.trustDomain,
    clusterDomain: raw.clusterDomain ?? MANIFEST_DEFAULTS.clusterDomain,
    defaults: raw.defaults ?? {},
  };
  return {
    file,
    trustDomain: ctx.trustDomain,
    trustDomainFrom: raw.trustDomain === undefined ? 'default' : 'manifest',
    clusterDomain: ctx.clusterDomain,
    caDir: resolve(base, raw.caDir ?? MANIFEST_DEFAULTS.caDir),
    outDir: resolve(base, raw.outDir ?? MANIFEST_DEFAULTS.outDir),
    services: raw.services.map((s, i) => resolveService(s, ctx, lines[i] ?? 1)),
  };
}

function resolveService(s: RawService, ctx: Context, line: number): ServiceSpec {
  const d = ctx.defaults;
  const namespace = s.namespace ?? d.namespace ?? MANIFEST_DEFAULTS.namespace;
  const serviceAccount = s.serviceAccount ?? d.serviceAccount ?? s.name;
  const ttl = duration(s.ttl ?? d.ttl ?? MANIFEST_DEFAULTS.ttl);
  const renewText = s.renewBefore ?? d.renewBefore;
  const formats = formatsOf(s.formats ?? d.formats);
  const spec: ServiceSpec = {
    name: s.name,
    namespace,
    serviceAccount,
    dns: unique([...defaultDnsNames(s.name, namespace, ctx.clusterDomain), ...(s.dns ?? [])]),
    dnsListed: unique(s.dns ?? []),
    ip: unique((s.ip ?? []).map(canonicalIp)),
    uri: unique([spiffeId(ctx.trustDomain, namespace, serviceAccount), ...(s.uri ?? [])]),
    usage: s.usage ?? d.usage ?? MANIFEST_DEFAULTS.usage,
    keyType: s.keyType ?? d.keyType ?? MANIFEST_DEFAULTS.keyType,
    ttl,
    // A third of the lifetime, rounded down to whole seconds.
    renewBefore: renewText === undefined ? Math.floor(ttl / 3 / 1000) * 1000 : duration(renewText),
    formats,
    line,
  };
  if (formats.includes('p12')) spec.p12 = p12Of(s, d, ctx.file);
  return spec;
}

/**
 * The manifest with the trust domain a manifest without `trustDomain`
 * inherits from its CA: every service's SPIFFE ID (always its first URI) follows.
 */
export function withCaTrustDomain(manifest: Manifest, trustDomain: string): Manifest {
  if (manifest.trustDomainFrom !== 'default') return manifest;
  return {
    ...manifest,
    trustDomain,
    trustDomainFrom: 'ca',
    services: manifest.services.map((s) => ({
      ...s,
      uri: unique([spiffeId(trustDomain, s.namespace, s.serviceAccount), ...s.uri.slice(1)]),
    })),
  };
}

/** The DNS names every service gets: name, name.ns, name.ns.svc, name.ns.svc.<clusterDomain>. */
export function defaultDnsNames(name: string, namespace: string, clusterDomain: string): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.${clusterDomain}`];
}

/** The SPIFFE ID Istio and Linkerd expect for a Kubernetes service account. */
export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

function formatsOf(listed: OutputFormat[] | undefined): OutputFormat[] {
  return unique<OutputFormat>(['pem', ...(listed ?? [])]);
}

/** A service's own password source replaces the default one as a whole. */
function p12Of(s: RawService, d: RawDefaults, file: string): NonNullable<ServiceSpec['p12']> {
  const own = s.p12 ?? {};
  const inherited = d.p12 ?? {};
  const source = own.passwordFile !== undefined || own.passwordEnv !== undefined ? own : inherited;
  const passwordFile = source.passwordFile === undefined ? undefined : resolve(dirname(file), source.passwordFile);
  const passwordEnv = passwordFile === undefined ? (source.passwordEnv ?? P12_PASSWORD_ENV) : undefined;
  return {
    ...(passwordFile !== undefined ? { passwordFile } : {}),
    ...(passwordEnv !== undefined ? { passwordEnv } : {}),
    legacy: own.legacy ?? inherited.legacy ?? false,
    friendlyName: own.friendlyName ?? inherited.friendlyName ?? s.name,
  };
}

function duration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`unvalidated duration ${text}`); // validation rejects these first
  return ms;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
