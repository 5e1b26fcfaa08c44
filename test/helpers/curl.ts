/** curl as the client side of HTTPS tests. */
import { execa } from 'execa';

/** GETs https://<host>:<port>/ with a client certificate; returns the HTTP status curl saw (0 when the handshake failed). */
export async function curlStatus(host: string, port: number, client: { chain: string; key: string; ca: string }): Promise<number> {
  const r = await execa('curl', [
    '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10',
    '--cacert', client.ca, '--cert', client.chain, '--key', client.key,
    '--resolve', `${host}:${port}:127.0.0.1`, `https://${host}:${port}/`,
  ], { reject: false, timeout: 20_000 });
  return Number(String(r.stdout).trim() || 0);
}
