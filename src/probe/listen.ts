/**
 * Server mode: a strict mTLS server that judges every client itself and
 * says why it accepts or rejects each one.
 */
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { inputError, MtlsError, EXIT } from '../errors.js';
import { loadLocalMaterial } from './local-material.js';
import { summarizeCert, type CertSummary } from './report.js';
import { judgeClient, type ClientJudgement } from './judge-client.js';
import { closedBeforeHandshake, judgeFailedHandshake } from './listen-failures.js';
import { unusableFiles } from './run-client.js';
import { formatTarget, type Target } from './target.js';

/** What server mode needs. */
export interface ListenRequest {
  listen: Target;
  cert: string;
  key: string;
  ca: string;
  count?: number;
  timeoutMs: number;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** One client as the server saw it. */
export interface ClientRecord extends ClientJudgement {
  remote: string;
  sni?: string;
  protocol?: string;
  cipher?: string;
  presented: CertSummary[];
}

/** The whole server-mode session. */
export interface ListenReport {
  listen: { host: string; port: number };
  clients: ClientRecord[];
  ended: 'count' | 'timeout';
  /** Connections that never finished a handshake: closed early (port checks) or still silent at the end; not judged. */
  unfinished?: number;
}

/** Callbacks for progress while serving. */
export interface ListenEvents {
  listening(address: { host: string; port: number }): void;
  client(record: ClientRecord): void;
}

/**
 * Serves until `count` clients were judged or the timeout passes.
 * @throws MtlsError PROBE_LISTEN_FAILED when the address cannot be bound.
 */
export async function listenAndJudge(req: ListenRequest, now: () => Date, events: ListenEvents): Promise<ListenReport> {
  const { material, pem } = await loadLocalMaterial({ cert: req.cert, key: req.key, ca: req.ca });
  if (material.keyMatchesCert === false) throw inputError('PEM_UNPARSEABLE', `${req.key} does not belong to ${req.cert}`, 'pass the key.pem written next to the certificate');
  const clients: ClientRecord[] = [];
  const server = serverFor(pem, req);
  // Raw connections, so that an idle client cannot keep the process alive past the timeout.
  const connections = new Set<Socket>();
  const secured = new Set<string>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  let open = true;
  let portChecks = 0;
  const done = new Promise<ListenReport['ended']>((resolve) => {
    const record = (r: ClientRecord) => {
      if (!open) return; // a client torn down at the end is not a verdict
      clients.push(r);
      events.client(r);
      if (req.count !== undefined && clients.length >= req.count) resolve('count');
    };
    server.on('secureConnection', (socket: TLSSocket) => {
      secured.add(peerKey(socket));
      record(judgeSocket(socket, material.serverTrust, now()));
    });
    server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
      // Load balancer and port checks open and close: counting them would end a --count 1 session early.
      if (closedBeforeHandshake(error)) portChecks += 1;
      else record(failedHandshake(error, socket));
    });
    setTimeout(() => resolve('timeout'), req.timeoutMs).unref();
  });
  const address = await bind(server, req.listen);
  events.listening(address);
  const ended = await done;
  open = false;
  // A rejected client's socket is already destroyed (and has lost its address): it was judged, not idle.
  const idle = [...connections].filter((c) => !c.destroyed && !secured.has(peerKey(c)));
  await closeAll(server, idle);
  const unfinished = idle.length + portChecks;
  return { listen: address, clients, ended, ...(unfinished > 0 ? { unfinished } : {}) };
}

function serverFor(pem: { cert?: string; key?: string; ca?: string }, req: ListenRequest): Server {
  try {
    return createServer({ cert: pem.cert, key: pem.key, ca: pem.ca, requestCert: true, rejectUnauthorized: false, minVersion: req.minVersion, maxVersion: req.maxVersion });
  } catch (error) {
    const e = error as Error & { code?: string };
    throw unusableFiles({ code: e.code ?? 'ERR_SECURE_CONTEXT', message: e.message });
  }
}

function judgeSocket(socket: TLSSocket, trust: Buffer[], now: Date): ClientRecord {
  // Node completes the peer chain from the trust store; the root it adds was not sent.
  const chain = peerChain(socket).filter((c, i) => i === 0 || !trust.some((t) => t.equals(c)));
  const judgement = judgeClient(chain, socket.authorizationError ? String(socket.authorizationError) : undefined, trust, now);
  const record: ClientRecord = {
    remote: `${socket.remoteAddress}:${socket.remotePort}`,
    sni: socket.servername || undefined,
    protocol: socket.getProtocol() ?? undefined,
    cipher: socket.getCipher()?.standardName,
    presented: chain.map(summarizeCert),
    ...judgement,
  };
  if (judgement.accepted) answer(socket, record);
  else socket.destroy();
  return record;
}

/** The chain the client sent, leaf first, as DER. */
function peerChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  let cert = socket.getPeerCertificate(true);
  while (cert && cert.raw && !chain.some((c) => c.equals(cert.raw))) {
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** Accepted clients get a short HTTP answer if they speak HTTP, else a clean close. */
function answer(socket: TLSSocket, record: ClientRecord): void {
  const close = setTimeout(() => socket.end(), 1000);
  socket.once('data', (data: Buffer) => {
    clearTimeout(close);
    if (/^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/.test(data.toString('latin1', 0, 64))) {
      const body = `mtlsctl probe: accepted ${record.presented[0]?.subject ?? ''}\n`;
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    } else socket.end();
  });
  socket.on('error', () => undefined);
}

function failedHandshake(error: NodeJS.ErrnoException, socket: TLSSocket | undefined): ClientRecord {
  const remote = socket?.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown';
  return { remote, presented: [], ...judgeFailedHandshake(error) };
}

async function bind(server: Server, target: Target): Promise<{ host: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new MtlsError('PROBE_LISTEN_FAILED', EXIT.localState, `cannot listen on ${formatTarget(target)}: ${error.code ?? error.message}`, { hint: bindHint(error.code, target.port) })));
    server.listen(target.port, target.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { host: address.address, port: address.port };
}

/** What to do about a failed bind, by the reason the system gave. */
export function bindHint(code: string | undefined, port: number): string {
  if (code === 'EADDRINUSE') return `another process holds port ${port}: pick a free port (0 picks one), or find it with ss -ltnp | grep :${port}`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'listen on an address of this machine: 127.0.0.1, ::1, 0.0.0.0 or one from `ip -br addr`';
  if (code === 'EACCES') return 'ports below 1024 need privileges: use a port above 1023';
  return 'pick another address or port (0 picks a free port)';
}

const peerKey = (s: Socket) => `${s.remoteAddress}:${s.remotePort}`;

/** Closes the server; `idle` connections (no handshake yet) are cut, or they would hold the process open. */
async function closeAll(server: Server, idle: Socket[]): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const c of idle) c.destroy();
    // Connections of accepted clients end within a second; do not wait on stragglers.
    setTimeout(resolve, 1500).unref();
  });
}
