/** What a directory holds, to prove a run changed nothing. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes, mtime and mode of every file under dir (recursively), by path. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const s = await stat(path);
    out.set(path, `${s.mtimeMs} ${s.mode} ${(await readFile(path)).toString('base64')}`);
  }
  return out;
}
