/** Runs one mtlsctl invocation and returns its exit status; the only catch. */
import type { Io } from './io.js';
import { EXIT, MtlsError, usageError } from '../errors.js';
import { removeUnfinishedWrites } from '../fs/atomic-write.js';
import type { Command } from 'commander';
import { buildProgram, type RunState } from './program.js';

/** Parses argv, runs the command and maps every failure to an exit status. */
export async function run(argv: string[], io: Io): Promise<number> {
  const state: RunState = { exitCode: EXIT.ok };
  const program = buildProgram(io, state);
  uniformUsageErrors(program, io);
  refuseContradictions(program);
  quietOnClosedPipe(io);
  const stopWatching = exitCleanlyOnSignals(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    const debug = io.env.MTLSCTL_DEBUG === '1' || argv.includes('--debug');
    return report(error, io, debug);
  } finally {
    stopWatching();
  }
}

/** Global flags that cannot both hold: say so rather than let one win silently. */
function refuseContradictions(program: Command): void {
  program.hook('preAction', (_root, action) => {
    const opts = action.optsWithGlobals();
    if (opts.quiet && opts.verbose) {
      throw usageError('USAGE', '--quiet and --verbose contradict each other', 'keep one of them');
    }
  });
}

const guarded = new WeakSet<object>();

/**
 * `mtlsctl inspect big.pem | head -1`: once the reader has gone, writes fail
 * with EPIPE, and an unhandled stream error would print a stack trace. The
 * output has nowhere to go, so drop it and let the command finish: its exit
 * status still tells the result.
 */
function quietOnClosedPipe(io: Io): void {
  for (const stream of [io.stdout, io.stderr]) {
    const emitter = stream as Partial<NodeJS.WritableStream>;
    if (typeof emitter.on !== 'function' || guarded.has(stream)) continue;
    guarded.add(stream);
    emitter.on('error', () => undefined);
  }
}

/**
 * On SIGINT or SIGTERM: remove half-written temporary files (which may hold
 * a private key), say so in one line, then die of the same signal, so the
 * shell sees 130 for Ctrl-C (143 for SIGTERM). Dying by the signal, rather
 * than process.exit, also works while a thread waits on a FIFO or a hung
 * mount: process.exit would wait for that thread forever.
 * Returns a function that removes the handlers.
 */
function exitCleanlyOnSignals(io: Io): () => void {
  const stop = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  const handler = (signal: NodeJS.Signals) => {
    stop();
    removeUnfinishedWrites();
    io.stderr.write(`error: interrupted by ${signal}; files already written stay, unfinished ones were removed [ABORTED]\n`);
    // A temporary file whose open() is already in the thread pool appears a
    // moment after the first sweep: sweep again, then take the signal.
    setTimeout(() => {
      removeUnfinishedWrites();
      process.kill(process.pid, signal);
    }, 100);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return stop;
}

/**
 * Makes commander's own parse errors (unknown option, missing value, bad
 * choice) read like every other error: one line ending in the code, then a
 * hint naming the help of the command that was being parsed.
 */
function uniformUsageErrors(program: Command, io: Io): void {
  const visit = (cmd: Command, path: string[]): void => {
    const help = ['mtlsctl', ...path, '--help'].join(' ');
    cmd.showHelpAfterError(false).configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (message) => {
        io.stderr.write(`${printable(message.trimEnd().replace(/\.$/, ''))} [USAGE]\nhint: see ${help}\n`);
      },
    });
    for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
}

/** Prints an error as one line (plus hint and details) and picks its exit status. */
function report(error: unknown, io: Io, debug: boolean): number {
  const e = error as { name?: string; code?: string; exitCode?: number };
  if (e?.code?.startsWith('commander.')) {
    // commander printed it already. `commander.help` with a non-zero status is
    // help shown because a command group was run without its subcommand.
    const quiet = ['commander.helpDisplayed', 'commander.version'];
    const asked = quiet.includes(e.code) || (e.code === 'commander.help' && e.exitCode === 0);
    return asked ? EXIT.ok : EXIT.usage;
  }
  if (e?.name === 'ExitPromptError' || e?.name === 'AbortPromptError') {
    io.stderr.write('error: aborted [ABORTED]\n');
    return EXIT.aborted;
  }
  if (error instanceof MtlsError) {
    io.stderr.write(`error: ${printable(redact(error.message))} [${error.code}]\n`);
    for (const line of error.details) io.stderr.write(`  ${printable(redact(line))}\n`);
    if (error.hint) io.stderr.write(`hint: ${printable(error.hint)}\n`);
    if (debug && error.cause) io.stderr.write(`${redact(stackOf(error.cause))}\n`);
    return error.exitCode;
  }
  io.stderr.write(`error: internal error: ${printable(redact(String((error as Error)?.message ?? error)))} [INTERNAL]\n`);
  io.stderr.write(`hint: this is a bug in mtlsctl; rerun with --debug and report the output with \`mtlsctl --version\` and \`node --version\`\n`);
  if (debug) io.stderr.write(`${redact(stackOf(error))}\n`);
  return EXIT.internal;
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Removes any PEM body from text that may have quoted a file. */
export function redact(text: string): string {
  return text.replace(
    /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(-----END \1-----|$)/g,
    '[$1 redacted]',
  );
}

/**
 * Escapes control characters, so that names quoted from hostile files
 * (a YAML key holding ESC, a CN holding a newline) can neither repaint the
 * terminal nor split one error into several lines.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
