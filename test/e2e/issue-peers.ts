/** Real peers for the issue e2e tests: nginx demanding client certificates, and curl. */
import { execa, type ResultPromise } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nginx did not listen on ${port} within ${timeoutMs} ms`);
}

/** A running nginx and how to stop it. */
export interface Nginx {
  port: number;
  stop(): Promise<void>;
}

/** Starts nginx in the foreground with its own prefix, serving `service` files and requiring client certificates from ca.pem. */
export async function startNginx(prefix: string, files: { chain: string; key: string; ca: string }): Promise<Nginx> {
  const port = await freePort();
  await mkdir(join(prefix, 'tmp'), { recursive: true });
  const conf = `
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body; proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi; uwsgi_temp_path ${prefix}/tmp/uwsgi; scgi_temp_path ${prefix}/tmp/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${files.chain};
    ssl_certificate_key ${files.key};
    ssl_client_certificate ${files.ca};
    ssl_verify_client on;
    ssl_verify_depth 2;
    location / { return 200 "hello $ssl_client_s_dn\\n"; }
  }
}
`;
  await writeFile(join(prefix, 'nginx.conf'), conf);
  const bin = process.env.NGINX ?? '/usr/sbin/nginx';
  const proc: ResultPromise = execa(bin, ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { reject: false });
  try {
    await waitForPort(port, 10_000);
  } catch (error) {
    proc.kill('SIGKILL');
    const r = await proc;
    throw new Error(`${(error as Error).message}: ${String(r.stderr)}`);
  }
  return {
    port,
    async stop() {
      proc.kill('SIGTERM');
      await proc;
    },
  };
}

/** GETs https://<host>:<port>/ with a client certificate; returns the HTTP status curl saw (0 when the handshake failed). */
export async function curlStatus(host: string, port: number, client: { chain: string; key: string; ca: string }): Promise<number> {
  const r = await execa('curl', [
    '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10',
    '--cacert', client.ca, '--cert', client.chain, '--key', client.key,
    '--resolve', `${host}:${port}:127.0.0.1`, `https://${host}:${port}/`,
  ], { reject: false, timeout: 20_000 });
  return Number(String(r.stdout).trim() || 0);
}
