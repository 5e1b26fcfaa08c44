/** The commented starter manifest shipped in templates/, and writing a copy of it. */
import { lstat, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stateError } from '../errors.js';
import { exists, writeFileAtomic } from '../fs/atomic-write.js';

/** Absolute path of templates/mtls.yaml in the installed package (this file runs from dist/src/manifest/). */
export function starterManifestPath(): string {
  return fileURLToPath(new URL('../../../templates/mtls.yaml', import.meta.url));
}

/**
 * Writes the starter manifest to `path` atomically.
 * @throws MtlsError REFUSE_OVERWRITE (exit 4) when `path` exists and `force` is not set.
 * @throws MtlsError WRITE_FAILED (exit 4) when it cannot be written.
 */
export async function writeStarterManifest(path: string, shown: string, force: boolean): Promise<void> {
  await refuseOverwrite(path, shown, force);
  await writeFileAtomic(path, await readFile(starterManifestPath(), 'utf8'));
}

/**
 * Fails unless `path` is free or `force` allows replacing it; the hint names
 * `fileOption`, the option that chose the file (`-f` for new, `-o` for from-k8s).
 * @throws MtlsError REFUSE_OVERWRITE or WRITE_FAILED (exit 4).
 */
export async function refuseOverwrite(path: string, shown: string, force: boolean, fileOption = '-f'): Promise<void> {
  await refuseNonFileTarget(path, shown);
  // lstat: a symbolic link, even one that points nowhere, is something that exists.
  const present = (await lstat(path).catch(() => undefined)) !== undefined || (await exists(path));
  if (force || !present) return;
  throw stateError('REFUSE_OVERWRITE', `${shown} already exists`, `pass --force to replace it, or choose another file with ${fileOption}`);
}

/**
 * Fails when `path` is a directory or sits below a file, which --force
 * cannot fix and the write would report only as an errno.
 * @throws MtlsError WRITE_FAILED (exit 4).
 */
async function refuseNonFileTarget(path: string, shown: string): Promise<void> {
  if ((await stat(path).catch(() => undefined))?.isDirectory()) {
    throw stateError('WRITE_FAILED', `${shown} is a directory, not a file`, 'name a file, e.g. mtls.yaml, not a directory');
  }
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info === undefined) continue;
    if (info.isDirectory()) return;
    throw stateError('WRITE_FAILED', `cannot write ${shown}: ${dir} is a file, not a directory`, 'choose a path whose folders are directories');
  }
}
