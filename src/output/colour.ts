/**
 * The one place that decides colour, per stream. Chalk does not read
 * NO_COLOR itself, so it is never imported elsewhere with its default level.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { TextSink } from '../cli/io.js';

/** What the user asked for: --color, --no-color, or nothing. */
export type ColourChoice = boolean | undefined;

/** Whether to colour a stream, from flags, environment and the stream itself. */
export function useColour(stream: TextSink, env: NodeJS.ProcessEnv, choice: ColourChoice): boolean {
  if (choice === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (choice === true) return true;
  if (env.FORCE_COLOR !== undefined || env.CLICOLOR_FORCE === '1') return true;
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}

/** A chalk instance for a stream, with colour on or off. */
export function chalkFor(stream: TextSink, env: NodeJS.ProcessEnv, choice: ColourChoice): ChalkInstance {
  return new Chalk({ level: useColour(stream, env, choice) ? 1 : 0 });
}
