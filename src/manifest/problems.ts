/**
 * Manifest problems: zod issues turned into `file:line:col: field: what; fix`
 * lines, and the one MANIFEST_INVALID error that carries them all.
 */
import type { z } from 'zod';
import { EXIT, MtlsError } from '../errors.js';
import { closest } from './did-you-mean.js';
import { fieldName, type FieldPath, type PositionFinder } from './positions.js';
import { ALLOWED_KEYS, FIELD_HINTS } from './schema.js';

/** One thing wrong with the manifest. */
export interface Problem {
  path: FieldPath;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
  /** `what is wrong; fix`. */
  message: string;
  /** Overrides the field name derived from `path` (e.g. `YAML syntax`). */
  field?: string;
  /** Set when the position is known without a path (YAML syntax errors). */
  line?: number;
  col?: number;
}

const q = (value: unknown) => JSON.stringify(value);

/** Turns the issues of a failed zod parse into problems. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue) => {
    const path = issue.path as FieldPath;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => unknownKey([...path, key], allowedKeysAt(path)));
    }
    return [{ path, message: messageFor(issue, path) }];
  });
}

function messageFor(issue: z.core.$ZodIssue, path: FieldPath): string {
  const hint = hintFor(path);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `is missing; ${hint}`
        : `expected ${expectedWords(issue.expected)}, got ${describe(issue.input)}; ${hint}`;
    case 'invalid_value':
      return badChoice(issue.input, issue.values.map(String), path);
    case 'too_small':
      return issue.origin === 'array' ? `the list is empty; ${hint}` : `is empty; ${hint}`;
    default:
      return issue.message;
  }
}

function unknownKey(path: FieldPath, allowed: readonly string[]): Problem {
  const key = String(path[path.length - 1]);
  const guess = closest(key, allowed);
  const fix = guess ? `did you mean ${q(guess)}?` : `allowed keys here are ${allowed.join(', ')}`;
  return { path, atKey: true, message: `unknown key ${q(key)}; ${fix}` };
}

function badChoice(input: unknown, values: string[], path: FieldPath): string {
  const what = `${describe(input)} is not a valid ${CHOICE_NAMES[lastKey(path)] ?? lastKey(path)}`;
  const guess = typeof input === 'string' ? closest(input, values) : undefined;
  const fix = guess ? `did you mean ${q(guess)}? (one of ${values.join(', ')})` : `write one of ${values.join(', ')}`;
  return `${what}; ${fix}`;
}

const CHOICE_NAMES: Record<string, string> = { formats: 'format', keyType: 'key type', usage: 'usage' };

/** Which keys the object at `path` allows. */
function allowedKeysAt(path: FieldPath): readonly string[] {
  if (path.length === 0) return ALLOWED_KEYS.manifest;
  const last = path[path.length - 1];
  if (last === 'p12') return ALLOWED_KEYS.p12;
  if (last === 'defaults') return ALLOWED_KEYS.defaults;
  return ALLOWED_KEYS.service;
}

/** The last named field of a path: `dns` for services[0].dns[2]. */
function lastKey(path: FieldPath): string {
  for (let i = path.length - 1; i >= 0; i--) {
    if (typeof path[i] === 'string') return path[i] as string;
  }
  return 'manifest';
}

function hintFor(path: FieldPath): string {
  const key = lastKey(path);
  if (typeof path[path.length - 1] === 'number' && key === 'services') {
    return 'write each service as a map starting with "- name: <service>"';
  }
  return FIELD_HINTS[key] ?? 'see the manifest format in README';
}

function expectedWords(expected: string): string {
  const words: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    string: 'a string',
    boolean: 'true or false',
    number: 'a number',
  };
  return words[expected] ?? expected;
}

/** A value as a message shows it: `the number 90`, `a list`, `nothing`. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return q(value);
  return `the ${typeof value} ${String(value)}`;
}

/** Formats problems as sorted `file:line:col: field: message` lines. */
export function formatProblems(problems: readonly Problem[], file: string, finder?: PositionFinder): string[] {
  const located = problems.map((p) => {
    const pos = p.line !== undefined ? { line: p.line, col: p.col ?? 1 } : (finder?.of(p.path, p.atKey) ?? { line: 1, col: 1 });
    return { ...pos, text: `${file}:${pos.line}:${pos.col}: ${p.field ?? fieldName(p.path)}: ${p.message}` };
  });
  located.sort((a, b) => a.line - b.line || a.col - b.col);
  return [...new Set(located.map((l) => l.text))];
}

/**
 * The single error for an invalid manifest.
 * @returns MtlsError MANIFEST_INVALID (exit 3) with one detail line per problem.
 */
export function manifestInvalid(file: string, lines: string[]): MtlsError {
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  return new MtlsError('MANIFEST_INVALID', EXIT.badInput, `found ${count} in manifest ${file}`, {
    details: lines,
    hint: `fix the ${lines.length === 1 ? 'line' : 'lines'} above, then run mtlsctl manifest check -f ${file}`,
  });
}
