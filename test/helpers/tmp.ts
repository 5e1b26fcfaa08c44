/** Temporary directories removed when the test ends. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** Makes a fresh directory and removes it after the test (or suite). */
export async function tempDir(t: Pick<TestContext, 'after'> | { after(fn: () => unknown): void }, prefix = 'mtlsctl-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
