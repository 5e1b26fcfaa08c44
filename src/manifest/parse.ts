/** The full manifest parser: keeps YAML positions so every problem names its line. */
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { crossCheck } from './cross-checks.js';
import { PositionFinder } from './positions.js';
import { formatProblems, manifestInvalid, problemsFromIssues, type Problem } from './problems.js';
import { resolveManifest } from './resolve.js';
import { manifestSchema } from './schema.js';
import type { Manifest } from './types.js';

/**
 * Validates manifest text and applies defaults. `file` is the manifest's
 * absolute path (relative paths inside resolve against its directory);
 * `shown` is how messages name it.
 * @throws MtlsError MANIFEST_INVALID listing every problem.
 */
export function parseManifest(text: string, file: string, shown: string = file): Manifest {
  const lines = new LineCounter();
  // Known tags such as !!binary or !!set would turn values into Buffers and
  // Sets; unresolved, they stay plain strings and the schema names the field.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, resolveKnownTags: false, logLevel: 'error' });
  const finder = new PositionFinder(doc, lines);
  const early = syntaxProblems(doc, lines) ?? emptyProblems(text, doc);
  if (early) throw manifestInvalid(shown, formatProblems(early, shown, finder));

  const data = toPlainData(doc);
  if (data === ALIAS_BOMB) throw manifestInvalid(shown, formatProblems([aliasBombProblem()], shown, finder));
  const parsed = manifestSchema.safeParse(data, { reportInput: true });
  const problems = [...(parsed.success ? [] : problemsFromIssues(parsed.error.issues)), ...crossCheck(data)];
  if (problems.length > 0 || !parsed.success) throw manifestInvalid(shown, formatProblems(problems, shown, finder));

  const serviceLines = parsed.data.services.map((_, i) => finder.of(['services', i]).line);
  const manifest = resolveManifest(parsed.data, file, serviceLines);
  const tooLong = overlongDefaultNames(manifest);
  if (tooLong.length > 0) throw manifestInvalid(shown, formatProblems(tooLong, shown, finder));
  return manifest;
}

/**
 * Default DNS names join name, namespace and clusterDomain, so each part can
 * be valid while `name.namespace.svc.clusterDomain` passes the 253 characters
 * a DNS name may hold.
 */
function overlongDefaultNames(manifest: Manifest): Problem[] {
  return manifest.services.flatMap((service, i) => {
    const long = service.dns.find((d) => d.length > 253);
    if (long === undefined) return [];
    return [{ path: ['services', i, 'name'], message: `the default DNS name ${long.slice(0, 40)}… is ${long.length} characters long (at most 253); shorten the name, the namespace or clusterDomain` }];
  });
}

const ALIAS_BOMB = Symbol('alias bomb');
/** How many alias expansions a manifest may use; a real one needs a handful. */
const MAX_ALIASES = 1000;

/** The document as plain data, or ALIAS_BOMB when aliases expand past the limit. */
function toPlainData(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
  } catch (error) {
    // yaml throws a ReferenceError for "Excessive alias count" (a billion-laughs file).
    if (error instanceof ReferenceError) return ALIAS_BOMB;
    throw error;
  }
}

function aliasBombProblem(): Problem {
  return { path: [], line: 1, col: 1, field: 'YAML aliases', message: `the aliases (*name) expand more than ${MAX_ALIASES} times, which looks like a resource-exhaustion attack; write the values out` };
}

function syntaxProblems(doc: Document, lines: LineCounter): Problem[] | undefined {
  if (doc.errors.length === 0) return undefined;
  return doc.errors.map((error: YAMLError) => {
    const { line, col } = lines.linePos(error.pos[0]);
    return { path: [], field: 'YAML syntax', line, col, message: `${firstLine(error.message)}; ${syntaxFix(error.code)}` };
  });
}

function syntaxFix(code: string): string {
  if (code === 'DUPLICATE_KEY') return 'remove or rename one of the keys';
  if (code === 'MULTIPLE_DOCS') return 'keep one document (remove the extra ---)';
  if (code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs';
  return 'check the indentation and quoting around this position';
}

function emptyProblems(text: string, doc: Document): Problem[] | undefined {
  if (text.trim() !== '' && doc.contents !== null) return undefined;
  return [{ path: [], line: 1, col: 1, message: 'the file is empty; write a manifest (see README) or run mtlsctl manifest new --force' }];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
