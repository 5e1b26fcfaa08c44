/**
 * Real TLS servers for probe tests: openssl s_server, nginx and node:tls,
 * each on 127.0.0.1, bounded in time and stopped by the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, connect as netConnect, type AddressInfo } from 'node:net';
import { createServer, type TlsOptions } from 'node:tls';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A server a test started. */
export interface Peer {
  port: number;
  stop(): Promise<void>;
}

/** No test server lives longer than this, whatever happens to the test. */
const MAX_LIFE_MS = 180_000;

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Starts `openssl s_server -www` on 127.0.0.1 with a port the OS picks; the
 * port is read from its ACCEPT line.
 */
export function startOpenssl(args: string[]): Promise<Peer> {
  const child = spawn('openssl', ['s_server', '-www', '-accept', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: MAX_LIFE_MS, killSignal: 'SIGKILL' });
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => { void stopChild(child); reject(new Error(`openssl s_server ${why}: ${output}`)); };
    const timer = setTimeout(() => fail('did not start within 10 s'), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /ACCEPT\s+\S*:(\d+)/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ port: Number(m[1]), stop: () => stopChild(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => { clearTimeout(timer); if (!/ACCEPT/.test(output)) fail(`exited with ${code}`); });
  });
}

/** A port that was free a moment ago (for servers that cannot pick port 0 themselves). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** One nginx `server` block: TLS files, client verification and protocols. */
export interface NginxSite {
  chain: string;
  key: string;
  clientCa?: string;
  /** `on`, `optional` or `off`. */
  verifyClient: 'on' | 'optional' | 'off';
  protocols: string;
  extra?: string;
}

/**
 * Starts one nginx (own prefix, pid and logs in `dir`, no master process)
 * serving every site on its own port; returns the ports in site order.
 */
export async function startNginx(dir: string, sites: NginxSite[]): Promise<{ ports: number[]; stop(): Promise<void> }> {
  await mkdir(join(dir, 'logs'), { recursive: true });
  const ports: number[] = [];
  for (const _ of sites) ports.push(await freePort());
  const servers = sites.map((s, i) => `
    server {
      listen 127.0.0.1:${ports[i]} ssl;
      ssl_certificate ${s.chain};
      ssl_certificate_key ${s.key};
      ${s.clientCa ? `ssl_client_certificate ${s.clientCa};` : ''}
      ssl_verify_client ${s.verifyClient};
      ssl_protocols ${s.protocols};
      ${s.extra ?? ''}
      location / { return 200 "hello from nginx\\n"; }
    }`).join('\n');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join('\n    ');
  const conf = `master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'logs', 'error.log')} info;
events { worker_connections 64; }
http {
    access_log off;
    ${temp}
    ${servers}
}
`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore', timeout: MAX_LIFE_MS, killSignal: 'SIGKILL' });
  const deadline = Date.now() + 10_000;
  try {
    for (const port of ports) await waitForPort(port, deadline);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { ports, stop: () => stopChild(child) };
}

/** Starts a node:tls server on 127.0.0.1:0 that ends every accepted connection cleanly. */
export async function startNodeTls(options: TlsOptions): Promise<Peer> {
  const server = createServer(options, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const life = setTimeout(() => server.close(), MAX_LIFE_MS);
  life.unref();
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => { clearTimeout(life); server.close(() => resolve()); }),
  };
}
