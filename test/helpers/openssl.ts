/** Runs the openssl CLI as a real peer. */
import { execa } from 'execa';

/** Runs openssl with arguments; never throws on a non-zero exit. */
export async function openssl(args: string[], options: { cwd?: string; input?: string } = {}) {
  const r = await execa('openssl', args, { reject: false, timeout: 30_000, ...options });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
