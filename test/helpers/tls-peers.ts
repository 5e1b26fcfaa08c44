/**
 * Real TLS peers for probe tests: openssl s_server, nginx and plain TCP
 * servers on 127.0.0.1, each stopped by the test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile, mkdir } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { decodeOid, readChildren, readElement } from '../../src/pki/der-reader.js';
import { openssl } from './openssl.js';

/** Something a test registers cleanup with (TestContext or a suite). */
export interface Cleanup {
  after(fn: () => unknown): void;
}

const START_TIMEOUT_MS = 10_000;

function stopOnCleanup(t: Cleanup, child: ChildProcess): void {
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
}

/**
 * Starts `openssl s_server` on 127.0.0.1 with an OS-chosen port and the given
 * arguments; resolves with the port once it accepts connections.
 */
export async function startOpensslServer(t: Cleanup, args: string[]): Promise<number> {
  const child = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  stopOnCleanup(t, child);
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`s_server did not start: ${output}`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`s_server exited (${code}): ${output}`)));
  });
}

/** A port that was free a moment ago (for servers that cannot bind port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Waits until something accepts TCP connections on the port. */
export async function waitForPort(port: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < START_TIMEOUT_MS) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** Files nginx needs for an mTLS server block. */
export interface NginxTls {
  certFile: string;
  keyFile: string;
  clientCaFile: string;
}

/**
 * Starts nginx (foreground, temp prefix) with `ssl_verify_client on` that
 * answers 200 "hello <client DN>"; resolves with its port.
 */
export async function startNginx(t: Cleanup, dir: string, tls: NginxTls): Promise<number> {
  const port = await freePort();
  const prefix = join(dir, 'nginx');
  await mkdir(join(prefix, 'logs'), { recursive: true });
  const temp = join(prefix, 'tmp');
  await mkdir(temp, { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  await writeFile(conf, nginxConf(prefix, temp, port, tls));
  const child = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  stopOnCleanup(t, child);
  await waitForPort(port);
  return port;
}

function nginxConf(prefix: string, temp: string, port: number, tls: NginxTls): string {
  return `worker_processes 1;
error_log ${join(prefix, 'logs', 'error.log')};
pid ${join(prefix, 'nginx.pid')};
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${temp}; proxy_temp_path ${temp}; fastcgi_temp_path ${temp};
  uwsgi_temp_path ${temp}; scgi_temp_path ${temp};
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate ${tls.certFile};
    ssl_certificate_key ${tls.keyFile};
    ssl_client_certificate ${tls.clientCaFile};
    ssl_verify_client on;
    ssl_verify_depth 3;
    location / { return 200 "hello $ssl_client_s_dn\\n"; }
  }
}
`;
}

/** Starts a TCP server on 127.0.0.1:0; after the test, drops its connections and closes it. */
export async function startTcpServer(t: Cleanup, server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** What `openssl s_client` reports about a server's CertificateRequest. */
export interface SClientView {
  /** Lines under "Acceptable client certificate CA names". */
  caNames: string[];
  /** Entries of "Requested Signature Algorithms". */
  signatureAlgorithms: string[];
  noCaNamesSent: boolean;
}

/** Connects with `openssl s_client` and reads what it says about the CertificateRequest. */
export async function sClientView(
  port: number,
  version: '-tls1_2' | '-tls1_3',
): Promise<SClientView> {
  const r = await openssl(
    ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', version],
    { input: '' },
  );
  const lines = r.stdout.split('\n');
  const start = lines.indexOf('Acceptable client certificate CA names');
  const caNames: string[] = [];
  for (let i = start + 1; start >= 0 && i < lines.length && /^[A-Za-z]+ = /.test(lines[i]!); i++)
    caNames.push(lines[i]!);
  const sigalgs = /^Requested Signature Algorithms: (.*)$/m.exec(r.stdout)?.[1] ?? '';
  return {
    caNames,
    signatureAlgorithms: sigalgs ? sigalgs.split(':') : [],
    noCaNamesSent: r.stdout.includes('No client certificate CA names sent'),
  };
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

/** Formats a DER Name as openssl prints it by default ("C = DE, O = Acme, CN = x"). */
export function opensslNameLine(der: Buffer): string {
  return readChildren(readElement(der))
    .map((rdn) =>
      readChildren(rdn)
        .map((atv) => {
          const [type, value] = readChildren(atv);
          const oid = decodeOid(type!.content);
          return `${SHORT_NAMES[oid] ?? oid} = ${value!.content.toString('utf8')}`;
        })
        .join(' + '),
    )
    .join(', ');
}
