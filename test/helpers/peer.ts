/**
 * What every test server shares: a bounded lifetime, a stop the test calls,
 * and a way to hand that stop to the test's own cleanup.
 */
import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';

/** A server a test started, listening on 127.0.0.1. */
export interface Peer {
  port: number;
  stop(): Promise<void>;
}

/** Something a test registers cleanup with (TestContext or a suite). */
export interface Cleanup {
  after(fn: () => unknown): void;
}

/** No test server lives longer than this, whatever happens to the test. */
export const MAX_LIFE_MS = 180_000;

/** How long a server may take to start listening. */
export const START_TIMEOUT_MS = 10_000;

/** Kills a child process (if still running) and resolves once it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Waits for a peer to start, stops it when `t` finishes, and returns its port. */
export async function stopAfter(t: Cleanup, started: Promise<Peer>): Promise<number> {
  const peer = await started;
  t.after(() => peer.stop());
  return peer.port;
}

/**
 * A Cleanup for servers and files shared by a whole test file: its callbacks
 * run last-registered first when the file's tests are done. Call at top level.
 */
export function fileCleanup(): Cleanup {
  const fns: Array<() => unknown> = [];
  after(async () => {
    for (const fn of fns.reverse()) await fn();
  });
  return { after: (fn) => void fns.push(fn) };
}
