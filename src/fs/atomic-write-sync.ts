/**
 * Synchronous atomic replacement for many small files (issue writes four or
 * five per service). Synchronous calls avoid a thread-pool round trip per
 * syscall, which dominates when a thousand services are written.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PUBLIC_MODE, writeError } from './atomic-write.js';

const RUN_TAG = `${process.pid}-${randomBytes(4).toString('hex')}`;
let counter = 0;

/**
 * Writes `data` to a temporary sibling with its final mode and renames it over
 * `path`, so readers see the old or the new file, never a part of one.
 * No fsync per file: a crash can leave an empty file, which `issue` detects as
 * unreadable and reissues on its next run.
 * @throws MtlsError WRITE_FAILED naming the path.
 */
export function writeFileAtomicSync(path: string, data: string | Buffer, mode: number = PUBLIC_MODE): void {
  // A per-process random tag and a counter: unique without a random draw per file.
  const temp = join(dirname(path), `.${basename(path)}.${RUN_TAG}.${++counter}.tmp`);
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, mode); // the umask may have narrowed `mode`
    renameSync(temp, path);
  } catch (cause) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The folder itself is unusable; the write error below says why.
    }
    throw writeError(path, cause);
  }
}

/**
 * Creates a directory and its parents.
 * @throws MtlsError WRITE_FAILED naming the path.
 */
export function ensureDirSync(path: string): void {
  try {
    mkdirSync(path);
    return;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return;
  }
  try {
    mkdirSync(path, { recursive: true });
  } catch (cause) {
    throw writeError(path, cause);
  }
}
