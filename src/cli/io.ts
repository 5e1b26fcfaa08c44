/** The process boundary every command talks through, so tests can replace it. */

/** A writable text stream, such as process.stdout. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Streams, environment and clock of one CLI run. */
export interface Io {
  stdout: TextSink;
  stderr: TextSink;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  now(): Date;
}

/** The Io of the running process. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/** Prompts are allowed only when a person can answer them. */
export function canPrompt(io: Io): boolean {
  return Boolean(io.stdin.isTTY && io.stdout.isTTY && io.stderr.isTTY);
}
