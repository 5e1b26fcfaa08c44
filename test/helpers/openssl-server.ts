/** `openssl s_server` on 127.0.0.1, bounded in time and stopped by the test. */
import { spawn } from 'node:child_process';
import { MAX_LIFE_MS, START_TIMEOUT_MS, stopChild, type Peer } from './peer.js';

/**
 * Starts `openssl s_server` with the given arguments on a port the OS picks;
 * the port is read from its ACCEPT line. Pass `-www` for an HTTP answer.
 */
export function startOpensslServer(args: string[]): Promise<Peer> {
  // stdin stays an open pipe: without -www, s_server ends a session when its stdin ends.
  const child = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: MAX_LIFE_MS, killSignal: 'SIGKILL' });
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => { void stopChild(child); reject(new Error(`openssl s_server ${why}: ${output}`)); };
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /ACCEPT\s+\S*:(\d+)/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ port: Number(m[1]), stop: () => stopChild(child) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => { clearTimeout(timer); if (!/ACCEPT/.test(output)) fail(`exited with ${code}`); });
  });
}
