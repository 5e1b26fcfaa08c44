/** Options and help of `mtlsctl probe`; the action lives in probe.ts. */
import type { Command } from 'commander';
import type { ActionFactory } from '../program.js';

/** Adds `probe` to the program. */
export function registerProbe(program: Command, action: ActionFactory): void {
  // TODO: `mtlsctl probe` is not built yet; its options and action go here.
  void program;
  void action;
}
