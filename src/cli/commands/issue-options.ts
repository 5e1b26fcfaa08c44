/** Options and help of `mtlsctl issue`; the action lives in issue.ts. */
import type { Command } from 'commander';
import type { ActionFactory } from '../program.js';

/** Adds `issue` to the program. */
export function registerIssue(program: Command, action: ActionFactory): void {
  // TODO: `mtlsctl issue` is not built yet; its options and action go here.
  void program;
  void action;
}
