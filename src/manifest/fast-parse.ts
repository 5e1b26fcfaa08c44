/**
 * The fast path for a valid manifest: js-yaml (no positions) and the same
 * schema and cross-checks as the full parser. It never reports problems: any
 * doubt returns undefined and the caller runs the full, position-keeping
 * parser, which names every problem by line.
 */
import yaml from 'js-yaml';
import { crossCheck } from './cross-checks.js';
import { resolveManifest } from './resolve.js';
import { manifestSchema } from './schema.js';
import type { Manifest } from './types.js';

/** Parses a manifest that is valid; undefined for anything else. */
export function parseManifestFast(text: string, file: string): Manifest | undefined {
  // Anchors and aliases are left to the full parser, which bounds their expansion.
  if (/[&*!]/.test(text)) return undefined;
  let data: unknown;
  try {
    data = yaml.load(text, { schema: yaml.CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success || crossCheck(data).length > 0) return undefined;
  const lines = serviceLines(text, parsed.data.services.map((s) => s.name));
  if (!lines) return undefined;
  const manifest = resolveManifest(parsed.data, file, lines);
  // Over-long joined default names are a problem the full parser reports.
  return manifest.services.some((s) => s.dns.some((d) => d.length > 253)) ? undefined : manifest;
}

/**
 * The 1-based line of each service entry, found by its (unique) name in
 * block style; undefined when a name is not found that way (flow style).
 */
function serviceLines(text: string, names: string[]): number[] | undefined {
  const lineOf = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    const m = /^\s*-\s+name:\s*["']?([a-z0-9-]+)["']?\s*(?:#.*)?$/.exec(line);
    if (m && !lineOf.has(m[1]!)) lineOf.set(m[1]!, i + 1);
  });
  const lines = names.map((n) => lineOf.get(n));
  return lines.every((l) => l !== undefined) ? (lines as number[]) : undefined;
}
