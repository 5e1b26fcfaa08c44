/** Reads, validates and resolves a manifest file in one step. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { displayPath } from '../fs/display-path.js';
import { CA_FILES } from '../ca/ca-dir.js';
import { inputError, type MtlsError } from '../errors.js';
import { BoundedReadError, decodeUtf8Text, readBounded } from '../fs/read-bounded.js';
import { parseManifestFast } from './fast-parse.js';
import { withCaTrustDomain } from './resolve.js';
import { checkTrustDomain } from './rules.js';
import type { Manifest } from './types.js';

/** The manifest file name commands look for by default. */
export const DEFAULT_MANIFEST = 'mtls.yaml';

/** Options of loadManifest. */
export interface LoadOptions {
  /** Directory relative paths are resolved against (default: process.cwd()). */
  cwd?: string;
}

/**
 * Reads a manifest file, validates all of it and applies defaults.
 * @throws MtlsError FILE_NOT_FOUND (exit 3) when the file cannot be read.
 * @throws MtlsError MANIFEST_INVALID (exit 3) listing every problem as `file:line:col: field: what; fix`.
 */
export async function loadManifest(file: string, options: LoadOptions = {}): Promise<Manifest> {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, file);
  const shown = displayPath(path, cwd);
  let bytes: Buffer;
  try {
    bytes = await readBounded(path);
  } catch (cause) {
    throw unreadable(shown, cause);
  }
  const text = decodeUtf8Text(bytes);
  if (text === undefined) {
    const { manifestInvalid } = await import('./problems.js');
    throw manifestInvalid(shown, [`${shown}:1:1: manifest: the file is not UTF-8 text (binary data, or another encoding such as UTF-16); save it as UTF-8`]);
  }
  // Most runs read a valid manifest: take the fast path, and pay for the
  // position-keeping parser only when there are problems to point at.
  const fast = parseManifestFast(text, path);
  if (fast) return inheritTrustDomain(fast);
  const { parseManifest } = await import('./parse.js');
  return inheritTrustDomain(parseManifest(text, path, shown));
}

/**
 * A manifest without `trustDomain` takes its CA's (ca.json), so that SPIFFE
 * IDs match the CA's URI constraints. Without a readable CA it keeps the
 * default: `manifest check` runs before `init`, and issue reports a missing CA itself.
 */
async function inheritTrustDomain(manifest: Manifest): Promise<Manifest> {
  if (manifest.trustDomainFrom !== 'default') return manifest;
  let trustDomain: unknown;
  try {
    trustDomain = (JSON.parse(await readFile(join(manifest.caDir, CA_FILES.meta), 'utf8')) as { trustDomain?: unknown }).trustDomain;
  } catch {
    return manifest;
  }
  if (typeof trustDomain !== 'string' || checkTrustDomain(trustDomain) !== undefined) return manifest;
  return withCaTrustDomain(manifest, trustDomain);
}

export { displayPath };

function unreadable(shown: string, cause: unknown): MtlsError {
  const why = cause instanceof BoundedReadError ? cause.why : String(cause);
  return inputError('FILE_NOT_FOUND', `cannot read manifest ${shown}: ${why}`, 'create one with mtlsctl manifest new, or name it with -f FILE');
}
