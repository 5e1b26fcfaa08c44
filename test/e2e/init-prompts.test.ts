import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onTerminal } from '../helpers/terminal.js';
import { tempDir } from '../helpers/tmp.js';


test('when init runs on a terminal with no options then it asks, shows defaults and uses the answers', async (t) => {
  const cwd = await tempDir(t);
  const term = await onTerminal(t, cwd, 'init');
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
  const term = await onTerminal(t, cwd, 'init');
  await term.waitFor(/CA name/);
  await term.keys('C-c');
  const final = await term.waitFor(/EXIT=\d+/);
  assert.match(final, /EXIT=130/);
  await assert.rejects(readFile(join(cwd, 'pki/ca.json')));
});

test('when a prompt answer is invalid then it is asked again at once, before the passphrase', async (t) => {
  const cwd = await tempDir(t);
  const term = await onTerminal(t, cwd, 'init');
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
