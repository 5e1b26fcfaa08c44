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
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const finder = new PositionFinder(doc, lines);
  const early = syntaxProblems(doc, lines) ?? emptyProblems(text, doc);
  if (early) throw manifestInvalid(shown, formatProblems(early, shown, finder));

  const data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  const parsed = manifestSchema.safeParse(data, { reportInput: true });
  const problems = [...(parsed.success ? [] : problemsFromIssues(parsed.error.issues)), ...crossCheck(data)];
  if (problems.length > 0 || !parsed.success) throw manifestInvalid(shown, formatProblems(problems, shown, finder));

  const serviceLines = parsed.data.services.map((_, i) => finder.of(['services', i]).line);
  return resolveManifest(parsed.data, file, serviceLines);
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
