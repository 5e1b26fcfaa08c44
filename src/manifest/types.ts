/**
 * The manifest as the rest of mtlsctl sees it: parsed, validated and with
 * every default applied. `src/manifest/load.ts` produces it.
 */
import type { KeyType } from '../pki/key-types.js';
import type { Usage } from '../issue/leaf.js';

/** Output formats a service may ask for. PEM files are always written. */
export type OutputFormat = 'pem' | 'p12';

/** One service, fully resolved. */
export interface ServiceSpec {
  name: string;
  namespace: string;
  serviceAccount: string;
  /** Every DNS SAN, defaults first (name, name.ns, name.ns.svc, name.ns.svc.<clusterDomain>), then extras. */
  dns: string[];
  /** The names listed under `dns:` in the manifest (a subset of dns); issue never drops these. */
  dnsListed?: string[];
  /** IP SANs; IPv6 in the RFC 5952 short form (see canonicalIp in rules.ts). */
  ip: string[];
  /** Every URI SAN: the SPIFFE ID first, then extras. */
  uri: string[];
  usage: Usage;
  keyType: KeyType;
  /** Lifetime in milliseconds. */
  ttl: number;
  /** Reissue when less than this remains, in milliseconds. */
  renewBefore: number;
  formats: OutputFormat[];
  /** PKCS#12 settings when formats includes p12. */
  p12?: {
    /** File holding the password (relative paths resolved against the manifest). */
    passwordFile?: string;
    /** Environment variable holding the password. */
    passwordEnv?: string;
    /** Old 3DES/SHA-1 encryption for old consumers. */
    legacy: boolean;
    friendlyName: string;
  };
  /** 1-based line of the service entry in the manifest, for messages. */
  line: number;
}

/** A whole manifest. Paths are absolute. */
export interface Manifest {
  /** Absolute path of the manifest file. */
  file: string;
  trustDomain: string;
  /**
   * Where trustDomain came from: the manifest, the CA's ca.json (when the
   * manifest has none), or the default cluster.local. Absent means manifest.
   */
  trustDomainFrom?: 'manifest' | 'ca' | 'default';
  clusterDomain: string;
  caDir: string;
  outDir: string;
  services: ServiceSpec[];
}
