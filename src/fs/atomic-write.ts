/** Atomic, permission-aware file writes: temporary file, fsync, rename. */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { rmSync } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MtlsError, EXIT } from '../errors.js';

/** Mode for private keys: owner read and write only. */
export const KEY_MODE = 0o600;
/** Mode for certificates and other public files. */
export const PUBLIC_MODE = 0o644;

/**
 * Writes a file so that readers see either the old or the new content,
 * never a part: write a temporary sibling with the final mode, fsync, rename.
 * @throws MtlsError WRITE_FAILED naming the path.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Buffer,
  mode: number = PUBLIC_MODE,
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  inFlight.add(temp);
  try {
    await makeDirectories(dir);
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // the umask may have narrowed or widened `mode`
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw writeError(path, cause);
  } finally {
    inFlight.delete(temp);
  }
}

/** Temporary files being written now; a key may sit in one until its rename. */
const inFlight = new Set<string>();

/**
 * Removes the temporary files of writes still in progress, synchronously, so
 * that a signal handler can run it before the process exits (Ctrl-C during
 * init would otherwise leave `.root-ca.key.<random>.tmp` behind).
 */
export function removeUnfinishedWrites(): void {
  for (const temp of inFlight) rmSync(temp, { force: true });
}

/**
 * mkdir -p, one level at a time. Node's own recursive mkdir loops forever
 * where creating a child fails with ENOENT under an existing parent (procfs,
 * some FUSE mounts): `mtlsctl init --dir /proc/pki` never returned.
 */
async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; !(await exists(d)); d = dirname(d)) {
    if (dirname(d) === d) break;
    missing.unshift(d);
  }
  for (const d of missing) {
    await mkdir(d).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** An MtlsError for a path that cannot be written. */
export function writeError(path: string, cause: unknown): MtlsError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const why =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOTDIR' ? 'a parent is not a directory'
    : code === 'ENOENT' ? 'its directory cannot be created there'
    : code === 'EROFS' ? 'read-only file system'
    : code === 'ENOSPC' ? 'no space left on device'
    : code ?? String(cause);
  return new MtlsError('WRITE_FAILED', EXIT.localState, `failed to write ${path}: ${why}`, {
    hint: 'choose a directory you can write to, or fix its permissions',
    cause,
  });
}

/** True when a path exists (file or directory). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
