/** The files `mtlsctl issue` writes for each service, documented in README. */
import { join } from 'node:path';

/** File names inside `<outDir>/<service>/`. */
export const SERVICE_FILES = {
  /** The leaf certificate alone. */
  cert: 'cert.pem',
  /** The service's private key, PKCS#8, mode 0600. */
  key: 'key.pem',
  /** Leaf then intermediate: what a server or client sends. */
  chain: 'chain.pem',
  /** The trust bundle (the root): what a peer is verified against. */
  ca: 'ca.pem',
} as const;

/** Absolute paths of one service's files. */
export interface ServicePaths {
  dir: string;
  cert: string;
  key: string;
  chain: string;
  ca: string;
  /** Present when the service asks for PKCS#12. */
  p12?: string;
}

/** The paths of a service's files under `outDir`. */
export function servicePaths(outDir: string, name: string, p12: boolean): ServicePaths {
  const dir = join(outDir, name);
  return {
    dir,
    cert: join(dir, SERVICE_FILES.cert),
    key: join(dir, SERVICE_FILES.key),
    chain: join(dir, SERVICE_FILES.chain),
    ca: join(dir, SERVICE_FILES.ca),
    ...(p12 ? { p12: join(dir, `${name}.p12`) } : {}),
  };
}
