/** Options and help of `mtlsctl manifest`; the action lives in manifest.ts. */
import type { Command } from 'commander';
import type { ActionFactory } from '../program.js';

/** Adds `manifest` to the program. */
export function registerManifest(program: Command, action: ActionFactory): void {
  // TODO: `mtlsctl manifest` is not built yet; its options and action go here.
  void program;
  void action;
}
