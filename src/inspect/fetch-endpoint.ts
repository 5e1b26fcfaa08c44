/**
 * Takes the certificate chain a live TLS server presents, exactly as sent:
 * no verification happens here (inspect verifies it afterwards).
 */
import { connect as netConnect, isIP } from 'node:net';
import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { EXIT, MtlsError } from '../errors.js';
import { certificatePem, randomSerial, signCertificate } from '../pki/certificate.js';
import { generateKey, subjectPublicKeyInfo } from '../pki/keys.js';
import { encodeName } from '../pki/name.js';
import { sentCertificates } from './certificate-message.js';
import { ServerBytesTap } from './tls-tap.js';

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
 * Connects and returns the peer's certificate chain in the order it was sent.
 * @throws MtlsError CONNECT_REFUSED, CONNECT_TIMEOUT, CONNECT_FAILED, NOT_TLS or TLS_HANDSHAKE_FAILED (exit 5).
 */
export async function fetchChain(endpoint: Endpoint, opts: FetchOptions): Promise<FetchedChain> {
  const servername = opts.servername ?? (isIP(endpoint.host) ? undefined : endpoint.host);
  // Node completes the chain it reports from its CA store; a store that holds
  // only a throwaway certificate keeps the fallback list to what was sent.
  const ca = await throwawayCa();
  return new Promise((resolve, reject) => {
    const raw = netConnect({ host: endpoint.host, port: endpoint.port });
    const tap = new ServerBytesTap(raw);
    let socket: TLSSocket;
    try {
      socket = connect({ socket: tap, servername, ca, cert: opts.cert, key: opts.key, rejectUnauthorized: false });
    } catch (error) {
      // Bad credentials throw here, before any event: close the TCP socket, or it keeps the process alive.
      raw.destroy();
      reject(new MtlsError('PEM_UNPARSEABLE', EXIT.badInput, `cannot use the client certificate and key: ${(error as Error).message}`, { hint: 'check --cert and --key' }));
      return;
    }
    const keylog: Buffer[] = [];
    socket.on('keylog', (line: Buffer) => keylog.push(line));
    const fail = (error: MtlsError) => {
      clearTimeout(timer);
      socket.destroy();
      raw.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(networkError('CONNECT_TIMEOUT', `no TLS handshake with ${endpoint.label} within ${opts.timeoutMs / 1000}s`, 'check that the port speaks TLS, or raise --timeout')), opts.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const protocol = socket.getProtocol();
      const sent = readSentChain(tap.received(), protocol, socket.getCipher().standardName, keylog);
      const ders = sent ?? peerChain(socket.getPeerCertificate(true));
      socket.destroy();
      raw.destroy();
      if (ders.length === 0) reject(networkError('NOT_TLS', `${endpoint.label} presented no certificate`));
      else resolve({ ders, protocol, servername: servername ?? null, asSent: sent !== undefined });
    });
    // Errors after the chain was taken (a reset while closing) change nothing.
    raw.on('error', (error: NodeJS.ErrnoException) => fail(connectError(error, endpoint)));
    socket.on('error', (error: NodeJS.ErrnoException) => fail(connectError(error, endpoint)));
  });
}

/** The Certificate message as sent, or undefined when it cannot be read. */
function readSentChain(bytes: Buffer, protocol: string | null, cipher: string, keylog: Buffer[]): Buffer[] | undefined {
  try {
    if (protocol !== 'TLSv1.3') return sentCertificates(bytes);
    const line = keylog.map((l) => l.toString('ascii')).find((l) => l.startsWith('SERVER_HANDSHAKE_TRAFFIC_SECRET '));
    const secret = line?.trim().split(' ')[2];
    return secret ? sentCertificates(bytes, { cipher, serverHandshakeSecret: Buffer.from(secret, 'hex') }) : undefined;
  } catch {
    return undefined;
  }
}

function peerChain(leaf: PeerCertificate & { issuerCertificate?: PeerCertificate }): Buffer[] {
  const ders: Buffer[] = [];
  const seen = new Set<string>();
  for (let cert: typeof leaf | undefined = leaf; cert?.raw; cert = cert.issuerCertificate) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    ders.push(cert.raw);
  }
  return ders;
}

function connectError(error: NodeJS.ErrnoException, endpoint: Endpoint): MtlsError {
  const code = error.code ?? '';
  const where = endpoint.label;
  if (code === 'ECONNREFUSED') return networkError('CONNECT_REFUSED', `connection to ${where} refused`, 'check the host and port, and that the service is running');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return networkError('CONNECT_FAILED', `cannot resolve ${endpoint.host}`, 'check the host name');
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return networkError('CONNECT_TIMEOUT', `cannot reach ${where} (${code})`, 'check the address and any firewall in between');
  }
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|RECORD_LAYER/.test(code) || code === 'ECONNRESET' || /before secure TLS connection/.test(error.message)) {
    return networkError('NOT_TLS', `${where} does not speak TLS (${code || 'closed during the handshake'})`, 'check the port: is it the TLS listener, or plain HTTP/TCP?');
  }
  const alert = /alert number (\d+)/.exec(error.message)?.[1];
  const hint = alert === '116' || alert === '40' ? 'the server may demand a client certificate: pass --cert and --key' : undefined;
  return networkError('TLS_HANDSHAKE_FAILED', `TLS handshake with ${where} failed: ${code || error.message}`, hint);
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
