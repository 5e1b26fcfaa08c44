/** Where a command's words go: results on stdout, narration on stderr. */
import type { ChalkInstance } from 'chalk';
import type { Io } from '../cli/io.js';
import { chalkFor, type ColourChoice } from './colour.js';

/** Global output options shared by every command. */
export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: ColourChoice;
  debug?: boolean;
}

/** Writes results and narration according to the global output options. */
export class Reporter {
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;

  constructor(
    readonly io: Io,
    readonly options: OutputOptions,
  ) {
    this.out = chalkFor(io.stdout, io.env, options.color);
    this.err = chalkFor(io.stderr, io.env, options.color);
  }

  get json(): boolean {
    return Boolean(this.options.json);
  }

  /** The human result, on stdout (nothing with --json). */
  result(text: string): void {
    if (!this.json) this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The one JSON document of a --json run, on stdout. */
  document(command: string, body: object): void {
    const doc = { schemaVersion: 1, command, ...body };
    this.io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  }

  /** Progress narration on stderr; silent with --quiet. */
  info(text: string): void {
    if (!this.options.quiet) this.io.stderr.write(`${text}\n`);
  }

  /** Extra detail on stderr with --verbose. */
  detail(text: string): void {
    if (this.options.verbose && !this.options.quiet) this.io.stderr.write(`${this.err.dim(text)}\n`);
  }

  /** A warning on stderr; silent with --quiet. */
  warn(text: string): void {
    if (!this.options.quiet) this.io.stderr.write(`${this.err.yellow('warning:')} ${text}\n`);
  }
}
