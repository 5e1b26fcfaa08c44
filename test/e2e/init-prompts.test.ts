import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { BIN } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Drives `mtlsctl init` on a real terminal (a tmux pane) like a person would. */
async function onTerminal(t: { after(fn: () => unknown): void }, cwd: string) {
  const session = `mtlsctl-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const command = `cd ${cwd} && NO_COLOR=1 ${process.execPath} ${BIN} init; echo EXIT=$?; sleep 60`;
  // A tmux server of its own per test: killing one test's last session stops
  // its server, and a shared server could be stopping while the next test starts.
  const tmux = (args: string[], options = {}) => execa('tmux', ['-L', session, ...args], options);
  await tmux(['new-session', '-d', '-s', session, '-x', '120', '-y', '40', command]);
  t.after(() => tmux(['kill-server'], { reject: false }));
  const screen = async () => String((await tmux(['capture-pane', '-p', '-t', session])).stdout);
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 200; i++) {
      const text = await screen();
      if (pattern.test(text)) return text;
      await sleep(50);
    }
    assert.fail(`the terminal never showed ${pattern}:\n${await screen()}`);
  };
  const keys = (...k: string[]) => tmux(['send-keys', '-t', session, ...k]);
  return { waitFor, keys };
}

test('when init runs on a terminal with no options then it asks, shows defaults and uses the answers', async (t) => {
  const cwd = await tempDir(t);
  const term = await onTerminal(t, cwd);
  await term.waitFor(/CA name \(root common name\) \(mtlsctl CA\)/);
  await term.keys('Team Root', 'Enter');
  await term.waitFor(/Trust domain \(SPIFFE\) \(cluster.local\)/);
  await term.keys('Enter');
  await term.waitFor(/Key type/);
  await term.keys('Down', 'Enter');
  await term.waitFor(/Protect the CA keys with a passphrase\?/);
  await term.keys('Enter');
  await term.waitFor(/Passphrase/);
  await term.keys('long enough secret', 'Enter');
  await term.waitFor(/Passphrase again/);
  await term.keys('long enough secret', 'Enter');
  const final = await term.waitFor(/EXIT=\d+/);
  assert.match(final, /EXIT=0/);
  assert.doesNotMatch(final, /long enough secret/, 'the passphrase is never echoed');
  const meta = JSON.parse(await readFile(join(cwd, 'pki/ca.json'), 'utf8'));
  assert.equal(meta.name, 'Team Root');
  assert.equal(meta.keyType, 'ecdsa-p384');
  assert.equal(meta.encrypted, true);
});

test('when the person presses Ctrl-C at a prompt then init exits 130 and writes nothing', async (t) => {
  const cwd = await tempDir(t);
  const term = await onTerminal(t, cwd);
  await term.waitFor(/CA name/);
  await term.keys('C-c');
  const final = await term.waitFor(/EXIT=\d+/);
  assert.match(final, /EXIT=130/);
  await assert.rejects(readFile(join(cwd, 'pki/ca.json')));
});

test('when a prompt answer is invalid then it is asked again at once, before the passphrase', async (t) => {
  const cwd = await tempDir(t);
  const term = await onTerminal(t, cwd);
  await term.waitFor(/CA name \(root common name\)/);
  await term.keys('x'.repeat(60), 'Enter');
  await term.waitFor(/must be 1 to 51 characters \(got 60\)/);
  await term.keys('C-u', 'Short Name', 'Enter');
  await term.waitFor(/Trust domain \(SPIFFE\)/);
  await term.keys('Bad Domain', 'Enter');
  await term.waitFor(/use lowercase letters, digits, dots/);
  await term.keys('C-c');
  const final = await term.waitFor(/EXIT=\d+/);
  assert.match(final, /EXIT=130/);
});
