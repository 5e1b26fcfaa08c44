/**
 * `--from A --to B`: B's issued files run a strict mTLS server on loopback,
 * A's files connect to it, so a manifest's pairing is checked without a cluster.
 */
import { createServer, type Server } from 'node:tls';
import { access } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Manifest, ServiceSpec } from '../manifest/types.js';
import { EXIT, MtlsError, inputError, usageError } from '../errors.js';
import { certificatesOf, loadLocalMaterial, readText } from './local-material.js';
import { observeAndDiagnose } from './run-client.js';
import type { ProbeReport } from './report.js';

/** What a --from/--to probe needs. */
export interface BetweenRequest {
  manifestFile: string;
  cwd: string;
  from: string;
  to: string;
  timeoutMs: number;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** The files `mtlsctl issue` writes for a service. */
export function serviceFiles(manifest: Manifest, name: string) {
  const dir = join(manifest.outDir, name);
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), chain: join(dir, 'chain.pem'), ca: join(dir, 'ca.pem') };
}

/** The name A uses to reach B: its cluster FQDN when listed, else its first DNS SAN. */
export function serverNameOf(service: ServiceSpec, clusterDomain: string): string {
  const fqdn = `${service.name}.${service.namespace}.svc.${clusterDomain}`;
  return service.dns.includes(fqdn) ? fqdn : (service.dns[0] ?? service.name);
}

/**
 * Runs A's client files against B's server files on 127.0.0.1.
 * @throws MtlsError USAGE_INVALID_VALUE for a service not in the manifest, FILE_NOT_FOUND for files not issued.
 */
export async function probeBetween(req: BetweenRequest, now: () => Date): Promise<ProbeReport> {
  // The manifest loader pulls in yaml and zod: only --from/--to needs it.
  const { loadManifest } = await import('../manifest/load.js');
  const manifest = await loadManifest(req.manifestFile, { cwd: req.cwd });
  const a = findService(manifest, req.from, '--from');
  const b = findService(manifest, req.to, '--to');
  const aFiles = serviceFiles(manifest, a.name);
  const bFiles = serviceFiles(manifest, b.name);
  for (const [service, files] of [[a, aFiles], [b, bFiles]] as const) await requireIssued(manifest, service.name, files, req.cwd);
  const servername = serverNameOf(b, manifest.clusterDomain);
  const issueCommand = (name: string) => `mtlsctl issue -f ${relative(req.cwd, manifest.file) || manifest.file} --only ${name} --force`;
  const reissue = (name: string) => `reissue it: ${issueCommand(name)}`;
  const server = await startServer(bFiles, req, b.name, reissue(b.name));
  try {
    const { material, pem } = await reissueOnBadFile(reissue(a.name), () => loadLocalMaterial({ cert: aFiles.chain, key: aFiles.key, ca: aFiles.ca }, servername));
    material.clientTrust = await reissueOnBadFile(reissue(b.name), async () => certificatesOf(await readText(bFiles.ca), bFiles.ca));
    const port = (server.address() as AddressInfo).port;
    const report = await observeAndDiagnose(
      { host: '127.0.0.1', port, servername, cert: pem.cert, key: pem.key, ca: pem.ca, minVersion: req.minVersion, maxVersion: req.maxVersion, timeoutMs: req.timeoutMs },
      material, 'between', now,
    );
    report.services = { from: a.name, to: b.name };
    // The files came from the manifest, not from --cert/--key: the fix is to reissue the service.
    if (report.diagnosis.code === 'client-key-mismatch') report.diagnosis.hint = `${a.name}'s key.pem does not belong to its chain.pem: ${reissue(a.name)}`;
    const misused = usageFix(report.diagnosis.code, a, b);
    if (misused) report.diagnosis.hint = `${misused.name} has usage: ${misused.usage} in the manifest; set usage: both, then run ${issueCommand(misused.name)}`;
    return report;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A bad file under outDir is fixed by reissuing its service, not by "pass a PEM file". */
async function reissueOnBadFile<T>(hint: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MtlsError && error.exitCode === EXIT.badInput) throw new MtlsError(error.code, error.exitCode, error.message, { hint });
    throw error;
  }
}

/** A wrong-purpose finding between two manifest services is a `usage:` setting in the manifest. */
function usageFix(code: string, a: ServiceSpec, b: ServiceSpec): ServiceSpec | undefined {
  if (code === 'server-cert-wrong-purpose' && b.usage === 'client') return b;
  if (code === 'client-cert-wrong-purpose' && a.usage === 'server') return a;
  return undefined;
}

function findService(manifest: Manifest, name: string, option: string): ServiceSpec {
  const service = manifest.services.find((s) => s.name === name);
  if (service) return service;
  const names = manifest.services.map((s) => s.name).join(', ');
  throw usageError('USAGE_INVALID_VALUE', `${option} ${name} is not a service of ${manifest.file}`, `services: ${names}`);
}

/**
 * A service listed but never issued is the usual cause of missing files: say so, with the command.
 * @throws MtlsError FILE_NOT_FOUND naming the service and the first missing file.
 */
async function requireIssued(manifest: Manifest, name: string, files: ReturnType<typeof serviceFiles>, cwd: string): Promise<void> {
  for (const file of [files.chain, files.key, files.ca]) {
    try {
      await access(file);
    } catch {
      const shown = relative(cwd, manifest.file) || manifest.file;
      throw inputError('FILE_NOT_FOUND', `service ${name} has no ${file} (not issued yet?)`, `issue it first: mtlsctl issue -f ${shown} --only ${name}`);
    }
  }
}

async function startServer(files: ReturnType<typeof serviceFiles>, req: BetweenRequest, name: string, hint: string): Promise<Server> {
  const [cert, key, ca] = [await readText(files.chain), await readText(files.key), await readText(files.ca)];
  let server: Server;
  try {
    server = createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: true, minVersion: req.minVersion, maxVersion: req.maxVersion });
  } catch (error) {
    const why = /key values mismatch/.test((error as Error).message) ? 'its key.pem does not belong to its chain.pem' : (error as Error).message;
    throw inputError('PEM_UNPARSEABLE', `cannot run ${name} as the server (${files.chain}): ${why}`, hint);
  }
  // A strict Node.js server says nothing useful on rejection (ECONNRESET): the diagnosis checks B's trust bundle itself.
  server.on('tlsClientError', () => undefined);
  server.on('secureConnection', (socket) => socket.end());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server;
}
