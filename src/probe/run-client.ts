/** Client mode: check the local files, run one observed handshake, diagnose it. */
import { isIP } from 'node:net';
import type { ObserveOptions } from './types.js';
import { loadLocalMaterial, type LocalMaterial, type LocalPaths } from './local-material.js';
import { diagnose, diagnoseLocal } from './diagnose.js';
import { buildReport, type ProbeReport } from './report.js';
import { observe } from './observer.js';
import { inputError, type MtlsError } from '../errors.js';
import type { Target } from './target.js';

/** What a client probe needs, as the command line gives it. */
export interface ClientProbeRequest {
  target: Target;
  servername?: string;
  files: LocalPaths;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  timeoutMs: number;
  /** Send `GET path` after the handshake (servers that judge at the HTTP layer). */
  httpPath?: string;
}

/**
 * Probes a server as the calling service would.
 * @throws MtlsError FILE_NOT_FOUND / PEM_UNPARSEABLE for unreadable local files.
 */
export async function probeClient(req: ClientProbeRequest, now: () => Date): Promise<ProbeReport> {
  const servername = req.servername ?? (isIP(req.target.host) ? undefined : req.target.host);
  const { material, pem } = await loadLocalMaterial(req.files, servername ?? req.target.host);
  const options: ObserveOptions = {
    host: req.target.host,
    port: req.target.port,
    servername,
    cert: pem.cert,
    key: pem.key,
    ca: pem.ca,
    minVersion: req.minVersion,
    maxVersion: req.maxVersion,
    timeoutMs: req.timeoutMs,
    alpn: req.httpPath ? ['http/1.1'] : ['h2', 'http/1.1'],
    // nginx judges certificates only at the HTTP layer: ask there whenever the server speaks HTTP/1.1.
    ...(req.httpPath ? { http: { path: req.httpPath, hostHeader: servername } } : { httpIfAlpn: { path: '/', hostHeader: servername } }),
  };
  let report = await observeAndDiagnose(options, material, 'client', now);
  if (!req.httpPath && report.alert?.description === 120) {
    // A server with its own ALPN list (gRPC, meshes) refuses ours: ask again offering none, as plain clients do.
    report = await observeAndDiagnose({ ...options, alpn: undefined, httpIfAlpn: undefined }, material, 'client', now);
  }
  if (!req.httpPath && report.http) report.diagnosis.evidence.push('GET / was sent because the server chose ALPN http/1.1 (nginx refuses certificates only in its HTTP answer)');
  return report;
}

/** Runs the handshake unless the local files already rule it out, then diagnoses. */
export async function observeAndDiagnose(options: ObserveOptions, material: LocalMaterial, mode: ProbeReport['mode'], now: () => Date): Promise<ProbeReport> {
  const fallback = { host: options.host, port: options.port, servername: options.servername };
  const local = diagnoseLocal(material);
  if (local) return buildReport(undefined, local, mode, fallback);
  const observation = await observe(options);
  if (observation.error && observation.timings.length === 0) throw unusableFiles(observation.error);
  return buildReport(observation, diagnose(observation, material, now()), mode, fallback);
}

/** Node's TLS refused the files before any connection (too small a key, an unsupported algorithm): an input problem. */
export function unusableFiles(error: { code: string; message: string }): MtlsError {
  const reason = /routines::?(.+)$/.exec(error.message)?.[1] ?? error.message;
  return inputError('PROBE_FILES_UNUSABLE', `Node's TLS refuses the given certificate, key or CA bundle: ${reason} (${error.code})`, 'reissue with a current key type (`mtlsctl issue` uses ecdsa-p256 by default; RSA needs 2048 bits or more)');
}
