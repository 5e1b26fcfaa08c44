/** Manifests and CAs for issue's unit tests, built without the YAML loader. */
import { join } from 'node:path';
import { createCa } from '../../../src/ca/create-ca.js';
import type { Manifest, ServiceSpec } from '../../../src/manifest/types.js';

const DAY = 86_400_000;

/** A resolved service as the loader would produce it for `name` in namespace `ns`. */
export function serviceSpec(name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  const ns = overrides.namespace ?? 'default';
  return {
    name,
    namespace: ns,
    serviceAccount: name,
    dns: [name, `${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.cluster.local`],
    ip: [],
    uri: [`spiffe://cluster.local/ns/${ns}/sa/${name}`],
    usage: 'both',
    keyType: 'ecdsa-p256',
    ttl: 90 * DAY,
    renewBefore: 30 * DAY,
    formats: ['pem'],
    line: 1,
    ...overrides,
  };
}

/** A manifest in `dir` (pki/ and out/ inside it) with the given services. */
export function manifestOf(dir: string, services: ServiceSpec[]): Manifest {
  return {
    file: join(dir, 'mtls.yaml'),
    trustDomain: 'cluster.local',
    clusterDomain: 'cluster.local',
    caDir: join(dir, 'pki'),
    outDir: join(dir, 'out'),
    services,
  };
}

/** Creates an unencrypted CA in `<dir>/pki`. */
export async function makeCaDir(dir: string, options: { permitDns?: string[]; permitUri?: string[]; intermediate?: boolean; now?: Date; intermediateTtl?: number } = {}) {
  return createCa({
    dir: join(dir, 'pki'),
    name: 'Unit Test CA',
    trustDomain: 'cluster.local',
    keyType: 'ecdsa-p256',
    rootTtl: 3650 * DAY,
    intermediateTtl: options.intermediateTtl ?? 365 * DAY,
    intermediate: options.intermediate ?? true,
    permitDns: options.permitDns ?? [],
    permitUri: options.permitUri ?? [],
    force: false,
    now: options.now ?? new Date(),
  });
}

export { DAY };
