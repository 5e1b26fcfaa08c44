/** Reads Kubernetes YAML files into plain objects, each with where it came from. */
import { resolve } from 'node:path';
import { LineCounter, isMap, isNode, isSeq, parseAllDocuments, type Document } from 'yaml';
import { EXIT, MtlsError, inputError } from '../errors.js';
import { BoundedReadError, decodeUtf8Text, readBounded } from '../fs/read-bounded.js';
import { displayPath } from './load.js';

/** One Kubernetes object found in the input. */
export interface K8sObject {
  kind: string;
  name: string;
  /** metadata.namespace, or `default` when absent. */
  namespace: string;
  body: Record<string, unknown>;
  /** `file:line` of the object, for comments and messages. */
  source: string;
}

/** Every object found, and how many documents were not objects mtlsctl can read. */
export interface K8sInput {
  objects: K8sObject[];
  /** Documents without kind or metadata.name (skipped). */
  skipped: number;
}

type Fields = Record<string, unknown>;

/** Reads a nested field, or undefined when any step is missing. */
export function field(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Fields)[key];
  }
  return node;
}

/**
 * Reads and parses every file; all syntax errors of all files are reported together.
 * @throws MtlsError FILE_NOT_FOUND (exit 3) for a file that cannot be read.
 * @throws MtlsError K8S_UNPARSEABLE (exit 3) listing `file:line:col` of each YAML error.
 */
export async function readK8sFiles(files: string[], cwd: string, stdin?: NodeJS.ReadableStream): Promise<K8sInput> {
  const input: K8sInput = { objects: [], skipped: 0 };
  const errors: string[] = [];
  for (const file of files) {
    if (file === STDIN_ARG) {
      parseInto(await readStdin(stdin ?? process.stdin), STDIN_NAME, input, errors);
      continue;
    }
    const path = resolve(cwd, file);
    const shown = displayPath(path, cwd);
    const text = await readText(path, shown);
    parseInto(text, shown, input, errors);
  }
  if (errors.length > 0) {
    const count = errors.length === 1 ? '1 YAML error' : `${errors.length} YAML errors`;
    throw new MtlsError('K8S_UNPARSEABLE', EXIT.badInput, `found ${count} in the Kubernetes input`, {
      details: errors,
      hint: 'fix the YAML at the lines above (indentation, quoting), or leave that file out',
    });
  }
  return input;
}

/** The file argument that means standard input, as in `kubectl get -o yaml | mtlsctl manifest from-k8s -`. */
export const STDIN_ARG = '-';
/** How messages and comments name standard input. */
export const STDIN_NAME = '<stdin>';

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function readText(path: string, shown: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readBounded(path);
  } catch (cause) {
    const why = cause instanceof BoundedReadError ? cause.why : String(cause);
    throw inputError('FILE_NOT_FOUND', `cannot read ${shown}: ${why}`, 'name existing Kubernetes YAML files, e.g. mtlsctl manifest from-k8s k8s/*.yaml');
  }
  const text = decodeUtf8Text(bytes);
  if (text === undefined) {
    throw inputError('K8S_UNPARSEABLE', `${shown} is not UTF-8 text (binary data, or another encoding such as UTF-16)`, 'save it as UTF-8, or leave that file out');
  }
  return text;
}

function parseInto(text: string, shown: string, input: K8sInput, errors: string[]): void {
  const lines = new LineCounter();
  // Unresolved, tags such as !!binary stay plain strings instead of Buffers.
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, resolveKnownTags: false, logLevel: 'error' });
  for (const doc of docs) {
    for (const error of doc.errors) {
      const { line, col } = lines.linePos(error.pos[0]);
      errors.push(`${shown}:${line}:${col}: ${error.message.split('\n')[0]}`);
    }
    if (doc.errors.length > 0) continue;
    try {
      collect(doc, doc.contents, { shown, lines }, input);
    } catch (error) {
      // yaml throws a ReferenceError for "Excessive alias count" (a billion-laughs file).
      if (!(error instanceof ReferenceError)) throw error;
      const { line, col } = lines.linePos(doc.range[0]);
      errors.push(`${shown}:${line}:${col}: the aliases (*name) in this document expand more than 1000 times, which looks like a resource-exhaustion attack`);
    }
  }
}

/**
 * Names go into warnings and the generated manifest's comments: a newline
 * there would start a YAML line of its own, an ESC would reach the terminal.
 * Kubernetes never allows either, so escaping them changes no real name.
 */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Adds an object, or each item of a List kind (kubectl get -o yaml prints those). */
function collect(doc: Document, node: unknown, at: { shown: string; lines: LineCounter }, input: K8sInput): void {
  if (!isNode(node)) return;
  const value = node.toJS(doc, { maxAliasCount: 1000 }) as unknown;
  if (value === null || value === undefined) return; // an empty document, e.g. comments only
  const kind = field(value, 'kind');
  const items = isMap(node) ? node.get('items', true) : undefined;
  if (typeof kind === 'string' && kind.endsWith('List') && isSeq(items)) {
    for (const item of items.items) collect(doc, item, at, input);
    return;
  }
  const source = `${escapeControls(at.shown)}:${at.lines.linePos(node.range?.[0] ?? 0).line}`;
  const name = field(value, 'metadata', 'name');
  if (typeof kind !== 'string' || typeof name !== 'string') {
    input.skipped++;
    return;
  }
  const namespace = field(value, 'metadata', 'namespace');
  input.objects.push({
    kind: escapeControls(kind),
    name: escapeControls(name),
    namespace: typeof namespace === 'string' && namespace !== '' ? escapeControls(namespace) : 'default',
    body: value as Fields,
    source,
  });
}
