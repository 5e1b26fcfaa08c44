import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';
import { snapshot } from '../helpers/snapshot.js';
import { makeTestCa, makeTestLeaf, writeLeafFiles } from '../helpers/mini-ca.js';


test('when a service folder holds hand-made files from another CA then issue refuses (exit 4) and writes nothing for any service', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
  await writeFile(join(dir, 'mtls.yaml'), 'services:\n  - name: api\n  - name: web\n');
  const other = await makeTestCa({ name: 'Other CA' });
  await writeLeafFiles(join(dir, 'out'), 'web', await makeTestLeaf(other, { commonName: 'web' }), other);
  const before = await snapshot(dir);

  const r = await mtlsctl(['issue'], { cwd: dir });
  assert.equal(r.exitCode, 4, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error: web: \S*\/out\/web\/cert\.pem and \S*\/out\/web\/key\.pem were not issued from \S*\/pki; nothing was written \[REFUSE_OVERWRITE\]\nhint: .*mtlsctl issue --force --only web\n/);
  assert.deepEqual(await snapshot(dir), before, 'api was not issued either');

  const forced = await mtlsctl(['issue', '--force', '--only', 'web'], { cwd: dir });
  assert.equal(forced.exitCode, 0, forced.stderr);
  assert.notEqual(await readFile(join(dir, 'out/web/cert.pem'), 'utf8'), before.get(join(dir, 'out/web/cert.pem')));
  const rest = await mtlsctl(['issue', '--json'], { cwd: dir });
  assert.equal(rest.exitCode, 0, rest.stderr);
  assert.deepEqual((JSON.parse(rest.stdout) as { services: Array<{ action: string }> }).services.map((s) => s.action), ['issued', 'unchanged']);
});

test('when init --force replaced the CA then issue reissues its own certificates without --force', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
  await writeFile(join(dir, 'mtls.yaml'), 'services:\n  - name: api\n');
  assert.equal((await mtlsctl(['issue'], { cwd: dir })).exitCode, 0);
  assert.equal((await mtlsctl(['init', '--force'], { cwd: dir })).exitCode, 0);
  const r = await mtlsctl(['issue'], { cwd: dir });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^api\s+reissued\s.*issued by another CA/m);
});
