/**
 * The inspect capability: reads the inputs, describes every certificate,
 * links them, verifies the path and lints, returning plain data for the
 * renderers.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { resolve } from 'node:path';
import { MtlsError, usageError } from '../errors.js';
import { describeCertificate, type CertificateInfo } from './describe.js';
import { buildGraph, type ChainGraph } from './chain-tree.js';
import { verifyPath, type PathChecks, type PathResult } from './verify-path.js';
import { lintInput, matchKey, type KeyMatch } from './lint.js';
import type { Finding } from './lint-codes.js';
import { readClientCredentials, readKey } from './read-keys.js';
import { decodeCertificates, readCertificates, shownName, type RawCertificate } from './read-input.js';
import { endpointProblem, fetchChain, parseEndpoint } from './fetch-endpoint.js';

/** Everything one inspect run needs. */
export interface InspectRequest {
  inputs: string[];
  cwd: string;
  stdin: NodeJS.ReadableStream;
  ca?: string;
  keyFile?: string;
  password?: string;
  /** Passphrase of an encrypted --key (--passphrase-file or MTLSCTL_CA_PASSPHRASE). */
  keyPassphrase?: string;
  servername?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  checks: PathChecks;
  warnWithinMs: number;
  maxValidityMs: number;
  timeoutMs: number;
  /** Files that may hold the system trust store, first existing wins. */
  systemStoreFiles?: string[];
  env: NodeJS.ProcessEnv;
  /** Narration for skipped inputs (stderr). */
  warn?: (message: string) => void;
}

/** One input as read. */
export interface InputSummary {
  kind: 'file' | 'stdin' | 'endpoint';
  name: string;
  certificates: number;
  protocol?: string | null;
  servername?: string | null;
  /** Endpoints: true when the list is the server's Certificate message as sent. */
  chainAsSent?: boolean;
  /** Endpoints: whether the server requested a client certificate, and the CA names it accepts. */
  clientCertificate?: { requested: boolean; acceptableCaNames: string[] };
  /** Endpoints: why the server refused the connection after sending its chain, or null. */
  handshakeError?: string | null;
}

/** The outcome of verification, when a trust bundle was used. */
export interface Verification {
  performed: boolean;
  trustSource: string | null;
  trusted: boolean | null;
  failure: Finding | null;
}

/** What inspect found. */
export interface InspectReport {
  at: Date;
  inputs: InputSummary[];
  certs: CertificateInfo[];
  graph: ChainGraph;
  path: PathResult;
  verification: Verification;
  checks: PathChecks;
  findings: Finding[];
  /** With --key: which certificate the key belongs to. */
  key: KeyMatch | null;
}

const SYSTEM_STORES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/**
 * Runs inspect.
 * @throws MtlsError for unreadable inputs (exit 3), usage (2) and network (5).
 */
export async function inspect(req: InspectRequest): Promise<InspectReport> {
  const { raws, inputs, endpoint } = await readInputs(req);
  const certs = raws.map((r) => describeCertificate(r.der, r.source));
  const graph = buildGraph(certs);
  const trust = await loadAnchors(req, endpoint !== undefined);
  const checks: PathChecks = { ...req.checks };
  if (endpoint) {
    checks.purpose ??= 'server';
    if (checks.name === undefined && checks.ip === undefined) {
      const host = req.servername ?? endpoint.host;
      if (/^[\d.]+$|:/.test(host)) checks.ip = host;
      else checks.name = host;
    }
  }
  const path = verifyPath(graph, trust.anchors, checks);
  const key = req.keyFile ? await readKey(req.keyFile, req.cwd, { passphrase: req.keyPassphrase, password: req.password }) : undefined;
  const findings = lintInput(graph, path, {
    at: checks.at, warnWithinMs: req.warnWithinMs, maxValidityMs: req.maxValidityMs,
    key, anchorsGiven: trust.anchors.length > 0,
  });
  const failure = path.findings.find((f) => f.severity === 'error') ?? null;
  const performed = trust.anchors.length > 0;
  const verification = {
    performed,
    trustSource: trust.source,
    trusted: performed ? path.anchor !== null && failure === null : null,
    failure,
  };
  const keyMatch = key ? matchKey(graph, key) : null;
  return { at: checks.at, inputs, certs, graph, path, verification, checks, findings, key: keyMatch };
}

async function readInputs(req: InspectRequest) {
  if ([...req.inputs, req.ca].filter((i) => i === '-').length > 1) {
    throw usageError('USAGE', 'stdin (-) can be read only once, and it was named more than once', 'give - for one input or for --ca, and files for the rest');
  }
  const endpointTarget = req.inputs.length === 1 && !existsSync(resolve(req.cwd, req.inputs[0]!)) ? parseEndpoint(req.inputs[0]!) : undefined;
  if (!endpointTarget && req.inputs.length === 1 && !existsSync(resolve(req.cwd, req.inputs[0]!))) {
    const problem = endpointProblem(req.inputs[0]!);
    if (problem) {
      throw usageError('USAGE_INVALID_VALUE', `${req.inputs[0]} is neither a file nor a valid HOST:PORT: ${problem}`, 'give HOST:PORT such as localhost:8443 or [::1]:8443, or the path of an existing file');
    }
  }
  if (!endpointTarget && (req.clientCertFile || req.servername)) {
    throw usageError('USAGE', '--cert and --servername apply only to a HOST:PORT endpoint', 'give HOST:PORT as the only input, or drop the option');
  }
  if (endpointTarget) {
    if (req.servername !== undefined && !/^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})$/.test(req.servername)) {
      throw usageError('USAGE_INVALID_VALUE', `--servername ${JSON.stringify(req.servername)} is not a host name`, 'give the DNS name to send as SNI, e.g. --servername web.example.com');
    }
    const fetched = await fetchChain(endpointTarget, {
      servername: req.servername,
      ...(req.clientCertFile ? await readClientCredentials(req.clientCertFile, req.clientKeyFile!, req.cwd, { passphrase: req.keyPassphrase, password: req.password }) : {}),
      timeoutMs: req.timeoutMs,
    });
    const raws = fetched.ders.map((der, i) => ({ der, source: `${endpointTarget.label}#${i + 1}` }));
    const inputs: InputSummary[] = [{ kind: 'endpoint', name: endpointTarget.label, certificates: raws.length, protocol: fetched.protocol, servername: fetched.servername, chainAsSent: fetched.asSent,
      clientCertificate: fetched.clientCertificate, handshakeError: fetched.handshakeError }];
    return { raws, inputs, endpoint: endpointTarget };
  }
  const raws: RawCertificate[] = [];
  const inputs: InputSummary[] = [];
  for (const input of req.inputs) {
    const found = await readCertificates(input, { cwd: req.cwd, stdin: req.stdin, password: req.password, warn: req.warn });
    raws.push(...found);
    inputs.push({ kind: input === '-' ? 'stdin' : 'file', name: shownName(input), certificates: found.length });
  }
  return { raws, inputs, endpoint: undefined };
}

async function loadAnchors(req: InspectRequest, live: boolean): Promise<{ anchors: CertificateInfo[]; source: string | null }> {
  if (req.ca) {
    const raws = await readCertificates(req.ca, { cwd: req.cwd, stdin: req.stdin, password: req.password }).catch((error: unknown) => {
      throw asCaError(error);
    });
    return { anchors: raws.map((r) => describeCertificate(r.der, `${r.source} (--ca)`)), source: req.ca };
  }
  if (!live) return { anchors: [], source: null };
  const files = [req.env.SSL_CERT_FILE, ...(req.systemStoreFiles ?? SYSTEM_STORES)].filter((f): f is string => Boolean(f));
  const file = files.find((f) => existsSync(f));
  if (file) {
    const raws = await decodeCertificates(await readFile(file), file);
    return { anchors: raws.map((r) => describeCertificate(r.der, r.source)), source: `system (${file})` };
  }
  const raws = rootCertificates.flatMap((pem, i) => decodeCertificatesSync(pem, `node-roots#${i + 1}`));
  return { anchors: raws.map((r) => describeCertificate(r.der, r.source)), source: 'system (Node.js bundled roots)' };
}

/** Names --ca in a read error, whose hint would otherwise speak of inputs (--key, HOST:PORT). */
function asCaError(error: unknown): unknown {
  if (!(error instanceof MtlsError) || !['FILE_NOT_FOUND', 'PEM_UNPARSEABLE'].includes(error.code)) return error;
  return new MtlsError(error.code, error.exitCode, `--ca: ${error.message}`, {
    hint: 'give --ca the trust bundle (PEM certificates of the roots you trust), e.g. pki/trust-bundle.crt',
    cause: error,
  });
}

function decodeCertificatesSync(pem: string, source: string): RawCertificate[] {
  const body = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return [{ der: Buffer.from(body, 'base64'), source }];
}
