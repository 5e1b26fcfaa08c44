/** How messages name a file. */
import { isAbsolute, relative } from 'node:path';

/** The path relative to cwd when it lies inside it, else as given. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
