/** Drives mtlsctl on a real terminal (a tmux pane) as a person would. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { BIN } from './run-cli.js';

/** A terminal running one mtlsctl command: wait for text, type keys. */
export interface Terminal {
  waitFor(pattern: RegExp): Promise<string>;
  keys(...keys: string[]): Promise<unknown>;
}

/**
 * Starts `mtlsctl <args>` in a tmux pane in `cwd`, with colour and the CA
 * passphrase variable unset; the pane prints EXIT=<status> when it ends.
 */
export async function onTerminal(t: { after(fn: () => unknown): void }, cwd: string, args: string): Promise<Terminal> {
  const session = `mtlsctl-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const command = `cd ${cwd} && unset MTLSCTL_CA_PASSPHRASE && NO_COLOR=1 ${process.execPath} ${BIN} ${args}; echo EXIT=$?; sleep 60`;
  // A tmux server of its own per test: killing one test's last session stops
  // its server, and a shared server could be stopping while the next test starts.
  const tmux = (tmuxArgs: string[]) => execa('tmux', ['-L', session, ...tmuxArgs]);
  await tmux(['new-session', '-d', '-s', session, '-x', '160', '-y', '40', command]);
  t.after(() => execa('tmux', ['-L', session, 'kill-server'], { reject: false }));
  const screen = async () => String((await tmux(['capture-pane', '-p', '-t', session])).stdout);
  return {
    async waitFor(pattern) {
      for (let i = 0; i < 200; i++) {
        const text = await screen();
        if (pattern.test(text)) return text;
        await sleep(50);
      }
      assert.fail(`the terminal never showed ${pattern}:\n${await screen()}`);
    },
    keys: (...keys) => tmux(['send-keys', '-t', session, ...keys]),
  };
}
