/**
 * Takes the certificate chain a live TLS server presents, exactly as sent,
 * through probe's handshake observer (src/probe/observe.ts): no verification
 * happens here (inspect verifies it afterwards).
 */
import { isIP } from 'node:net';
import { EXIT, MtlsError } from '../errors.js';
import { certificatePem, randomSerial, signCertificate } from '../pki/certificate.js';
import { generateKey, subjectPublicKeyInfo } from '../pki/keys.js';
import { encodeName } from '../pki/name.js';
import type { HandshakeObservation } from '../probe/types.js';

/** A `HOST:PORT` or `[v6]:PORT` argument. */
export interface Endpoint {
  host: string;
  port: number;
  /** As the user wrote it, for messages. */
  label: string;
}

/** What the connection showed. */
export interface FetchedChain {
  ders: Buffer[];
  protocol: string | null;
  servername: string | null;
  /** True when the list is the server's Certificate message itself. */
  asSent: boolean;
  /** Whether the server sent a CertificateRequest, and the CA names it listed. */
  clientCertificate: { requested: boolean; acceptableCaNames: string[] };
  /** Set when the chain was read but the server then refused the connection (e.g. no client certificate). */
  handshakeError: string | null;
}

/** Options of one connection. */
export interface FetchOptions {
  servername?: string;
  /** PEM client certificate chain and key, for servers that demand one first. */
  cert?: string;
  key?: string;
  timeoutMs: number;
}

/** Parses `HOST:PORT` or `[v6]:PORT`; undefined when the text is not one. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!, port, label: text };
}

/**
 * Says why text that is meant as `HOST:PORT` is not one, or returns
 * undefined when it does not look like an endpoint at all (a missing file).
 */
export function endpointProblem(text: string): string | undefined {
  if (text.startsWith('[')) {
    const m = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
    if (!m) return 'an IPv6 address needs its closing bracket, e.g. [::1]:8443';
    if (m[1]!.includes('%')) return 'IPv6 zone ids (%eth0) are not supported; use a global or loopback address';
    if (isIP(m[1]!) !== 6) return `${JSON.stringify(m[1])} is not an IPv6 address`;
    return m[2] === undefined ? 'the port is missing, e.g. [::1]:8443' : portProblem(m[2]);
  }
  if (text.includes('/') || text.includes('\\')) return undefined;
  if (isIP(text.replace(/%.*$/, '')) === 6 || /^[0-9a-f]*:[0-9a-f]*:/i.test(text)) {
    return 'write an IPv6 address in brackets, e.g. [::1]:8443';
  }
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  if (!/^[A-Za-z0-9.-]+$/.test(text.slice(0, colon))) return undefined;
  return portProblem(text.slice(colon + 1));
}

function portProblem(port: string): string | undefined {
  if (port === '') return 'the port is missing, e.g. localhost:8443';
  if (!/^\d+$/.test(port)) return `the port ${JSON.stringify(port)} is not a number`;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? undefined : `the port ${port} is out of range (1 to 65535)`;
}

/**
 * Connects and returns the peer's certificate chain in the order it was sent,
 * even when the handshake fails after the server's Certificate message (a
 * TLS 1.2 server that demands a client certificate).
 * @throws MtlsError CONNECT_REFUSED, CONNECT_TIMEOUT, CONNECT_FAILED, NOT_TLS or TLS_HANDSHAKE_FAILED (exit 5);
 *   PEM_UNPARSEABLE (exit 3) when the client certificate and key cannot be used.
 */
export async function fetchChain(endpoint: Endpoint, opts: FetchOptions): Promise<FetchedChain> {
  const [{ observeHandshake }, { formatName }] = await Promise.all([import('../probe/observe.js'), import('../probe/tls-names.js')]);
  // Node completes the chain it reports from its CA store; a store that holds
  // only a throwaway certificate keeps the fallback list to what was sent.
  const obs = await observeHandshake({
    host: endpoint.host, port: endpoint.port, servername: opts.servername,
    cert: opts.cert, key: opts.key, ca: await throwawayCa(), timeoutMs: opts.timeoutMs,
  });
  if (obs.serverChain.length === 0) throw observationError(obs, endpoint, opts.timeoutMs);
  const refused = obs.verdict === 'rejected-alert' || obs.verdict === 'rejected-close';
  const handshakeFailed = refused || (obs.error !== undefined && !obs.protocol);
  return {
    ders: obs.serverChain,
    protocol: obs.protocol ?? obs.serverHelloVersion ?? null,
    servername: obs.servername ?? null,
    asSent: obs.serverChainAsSent === true,
    clientCertificate: { requested: obs.certificateRequested, acceptableCaNames: obs.acceptableCaNames.map(formatName) },
    handshakeError: handshakeFailed ? reasonOf(obs) : null,
  };
}

/** The error for an attempt that yielded no certificate, by observe.ts's error codes. */
function observationError(obs: HandshakeObservation, endpoint: Endpoint, timeoutMs: number): MtlsError {
  const code = obs.error?.code ?? '';
  const where = endpoint.label;
  if (code === 'ECONNREFUSED') return networkError('CONNECT_REFUSED', `connection to ${where} refused`, 'check the host and port, and that the service is running');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return networkError('CONNECT_FAILED', `cannot resolve ${endpoint.host}`, 'check the host name');
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return networkError('CONNECT_TIMEOUT', `cannot reach ${where} (${code})`, 'check the address and any firewall in between');
  }
  if (code === 'HANDSHAKE_TIMEOUT') {
    return networkError('CONNECT_TIMEOUT', `no TLS handshake with ${where} within ${timeoutMs / 1000}s`, 'check that the port speaks TLS, or raise --timeout');
  }
  if (code === 'NOT_TLS' || code === 'ECONNRESET' || code === '') {
    const what = obs.nonTlsBanner ? `it sent ${JSON.stringify(obs.nonTlsBanner)}` : code === 'ECONNRESET' ? 'closed during the handshake' : code === '' ? 'no certificate presented' : code;
    return networkError('NOT_TLS', `${where} does not speak TLS (${what})`, 'check the port: is it the TLS listener, or plain HTTP/TCP?');
  }
  if (/^ERR_OSSL_|^ERR_SECURE_CONTEXT/.test(code)) {
    return new MtlsError('PEM_UNPARSEABLE', EXIT.badInput, `cannot use the client certificate and key: ${obs.error!.message}`, { hint: 'check --cert and --key' });
  }
  const alert = obs.alertReceived?.description;
  const hint = alert === 116 || alert === 40 ? 'the server may demand a client certificate: pass --cert and --key' : undefined;
  return networkError('TLS_HANDSHAKE_FAILED', `TLS handshake with ${where} failed: ${reasonOf(obs)}`, hint);
}

function reasonOf(obs: HandshakeObservation): string {
  const alert = obs.alertReceived;
  if (alert) return `${obs.error?.code ?? 'ALERT_RECEIVED'} (alert ${alert.name}, ${alert.description})`;
  return obs.error?.code ?? 'unknown error';
}

function networkError(code: string, message: string, hint?: string): MtlsError {
  return new MtlsError(code, EXIT.network, message, { hint });
}

async function throwawayCa(): Promise<string> {
  const { privateKey, publicKey } = await generateKey('ecdsa-p256');
  const name = encodeName({ commonName: 'mtlsctl inspect placeholder' });
  const now = Date.now();
  return certificatePem(signCertificate({
    serial: randomSerial(), issuer: name, subject: name,
    notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000),
    subjectPublicKeyInfo: subjectPublicKeyInfo(publicKey), extensions: [],
  }, privateKey));
}
