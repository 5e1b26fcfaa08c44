/** Options and help of `mtlsctl inspect`; the action lives in inspect.ts. */
import type { Command } from 'commander';
import type { ActionFactory } from '../program.js';

/** Adds `inspect` to the program. */
export function registerInspect(program: Command, action: ActionFactory): void {
  // TODO: `mtlsctl inspect` is not built yet; its options and action go here.
  void program;
  void action;
}
