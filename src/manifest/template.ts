/** The commented starter manifest shipped in templates/, and writing a copy of it. */
import { readFile } from 'node:fs/promises';
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
 * @throws MtlsError REFUSE_OVERWRITE (exit 4).
 */
export async function refuseOverwrite(path: string, shown: string, force: boolean, fileOption = '-f'): Promise<void> {
  if (force || !(await exists(path))) return;
  throw stateError('REFUSE_OVERWRITE', `${shown} already exists`, `pass --force to replace it, or choose another file with ${fileOption}`);
}
