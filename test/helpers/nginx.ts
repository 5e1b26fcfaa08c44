/**
 * One nginx for every test that needs it: several TLS sites on their own
 * loopback ports, run in the foreground with its own prefix, pid and logs,
 * bounded in time and stopped by the test.
 */
import { spawn } from 'node:child_process';
import { writeFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_LIFE_MS, START_TIMEOUT_MS, stopChild, type Peer } from './peer.js';
import { freePort, waitForPort } from './ports.js';

/** One nginx `server` block: TLS files, client verification and protocols. */
export interface NginxSite {
  chain: string;
  key: string;
  clientCa?: string;
  verifyClient: 'on' | 'optional' | 'off';
  /** `ssl_protocols` value; nginx's default when absent. */
  protocols?: string;
  /** More directives for the server block, e.g. `ssl_verify_depth 2;`. */
  extra?: string;
}

/** A running nginx: `port` is the first site's, `ports` every site's in order. */
export interface Nginx extends Peer {
  ports: number[];
}

/**
 * Starts nginx with prefix `dir` serving every site on its own port; each
 * answers 200 "hello <client DN>".
 */
export async function startNginx(dir: string, sites: NginxSite[]): Promise<Nginx> {
  await mkdir(join(dir, 'logs'), { recursive: true });
  const ports: number[] = [];
  for (const _ of sites) ports.push(await freePort());
  const conf = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'logs', 'error.log');
  await writeFile(conf, nginxConf(dir, errorLog, sites, ports));
  const bin = process.env.NGINX ?? '/usr/sbin/nginx';
  // -e: nginx opens its error log before reading the config; keep it in the prefix.
  const child = spawn(bin, ['-p', dir, '-e', errorLog, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore', timeout: MAX_LIFE_MS, killSignal: 'SIGKILL' });
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (const port of ports) await waitForPort(port, deadline);
  } catch (error) {
    await stopChild(child);
    const log = await readFile(errorLog, 'utf8').catch(() => '');
    throw new Error(`nginx did not start: ${(error as Error).message}\n${log}`);
  }
  return { port: ports[0]!, ports, stop: () => stopChild(child) };
}

function nginxConf(dir: string, errorLog: string, sites: NginxSite[], ports: number[]): string {
  const servers = sites.map((s, i) => `
    server {
      listen 127.0.0.1:${ports[i]} ssl;
      ssl_certificate ${s.chain};
      ssl_certificate_key ${s.key};
      ${s.clientCa ? `ssl_client_certificate ${s.clientCa};` : ''}
      ssl_verify_client ${s.verifyClient};
      ${s.protocols ? `ssl_protocols ${s.protocols};` : ''}
      ${s.extra ?? ''}
      location / { return 200 "hello $ssl_client_s_dn\\n"; }
    }`).join('\n');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join('\n    ');
  // master_process off: one process, so killing it leaves no orphaned workers.
  return `master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${errorLog} info;
events { worker_connections 64; }
http {
    access_log off;
    ${temp}
    ${servers}
}
`;
}
