import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { onTerminal } from '../helpers/terminal.js';
import { tempDir } from '../helpers/tmp.js';

async function encryptedCa(t: { after(fn: () => unknown): void }) {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'pass'), 'ca passphrase 1\n', { mode: 0o600 });
  assert.equal((await mtlsctl(['init', '--passphrase-file', 'pass'], { cwd })).exitCode, 0);
  await writeFile(join(cwd, 'mtls.yaml'), 'services:\n  - name: api\n');
  return cwd;
}

test('when issue needs an encrypted CA key on a terminal then it asks for the passphrase, masked, and issues', async (t) => {
  const cwd = await encryptedCa(t);
  const term = await onTerminal(t, cwd, 'issue');
  await term.waitFor(/Passphrase of the CA key in \S*pki/);
  await term.keys('ca passphrase 1', 'Enter');
  const final = await term.waitFor(/EXIT=\d+/);
  assert.match(final, /EXIT=0/);
  assert.doesNotMatch(final, /ca passphrase 1/, 'the passphrase is never echoed');
  assert.equal(new X509Certificate(await readFile(join(cwd, 'out/api/cert.pem'))).subject, 'CN=api');
});

test('when a person presses Ctrl-C at the passphrase prompt then issue exits 130 and writes nothing', async (t) => {
  const cwd = await encryptedCa(t);
  const term = await onTerminal(t, cwd, 'issue');
  await term.waitFor(/Passphrase of the CA key/);
  await term.keys('C-c');
  assert.match(await term.waitFor(/EXIT=\d+/), /EXIT=130/);
  await assert.rejects(readFile(join(cwd, 'out/api/cert.pem')));
});

test('when issue runs without a terminal then it still fails with PASSPHRASE_REQUIRED', async (t) => {
  const cwd = await encryptedCa(t);
  const r = await mtlsctl(['issue'], { cwd });
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /\[PASSPHRASE_REQUIRED\]/);
});
