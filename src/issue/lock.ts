/**
 * An exclusive lock on a CA directory (`<caDir>/.lock`) so that two
 * `mtlsctl issue` runs (make -j) never interleave writes to the record or
 * to a service folder. The lock file is created with O_EXCL and holds the
 * owner's pid and host; a lock whose process is gone is stale and taken over.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { stateError } from '../errors.js';
import { CA_FILES } from '../ca/ca-dir.js';
import { writeError } from '../fs/atomic-write.js';

/** Who holds a lock. */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Options of acquiring. */
export interface LockOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Called once when the lock is held by someone else and the caller starts waiting. */
  onWait?: (owner: LockOwner | undefined) => void;
}

const POLL_MS = 50;

/**
 * Takes the CA lock, waiting up to `timeoutMs`; returns the release function.
 * @throws MtlsError LOCKED after the timeout, WRITE_FAILED if the directory is unwritable.
 */
export async function acquireCaLock(caDir: string, options: LockOptions): Promise<() => void> {
  const path = join(caDir, CA_FILES.lock);
  const deadline = Date.now() + options.timeoutMs;
  let waited = false;
  for (;;) {
    if (tryCreate(path)) return () => release(path);
    const owner = readOwner(path);
    if (owner && isStale(owner)) {
      breakStale(path, owner);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `pid ${owner.pid} on ${owner.host} since ${owner.since}` : 'another process';
      throw stateError('LOCKED', `the CA in ${caDir} is locked by ${who}`, `wait for it to finish, or remove ${path} if no mtlsctl is running`);
    }
    if (!waited) options.onWait?.(owner);
    waited = true;
    await sleep(POLL_MS);
  }
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeError(path, cause);
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  writeSync(fd, JSON.stringify(owner));
  closeSync(fd);
  return true;
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined; // gone, or being written this very moment
  }
}

/** A lock is stale when its owner ran on this host and that process no longer exists. */
function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname() || !Number.isInteger(owner.pid)) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Moves a stale lock aside and deletes it. Two waiters may both judge it
 * stale; the one that moved a live lock by mistake puts it back.
 */
function breakStale(path: string, stale: LockOwner): void {
  const aside = `${path}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readOwner(aside);
  if (moved && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process already holds a fresh lock; the moved owner finishes unlocked, rarely.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function release(path: string): void {
  const owner = readOwner(path);
  if (owner && owner.pid !== process.pid) return; // not ours any more
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
