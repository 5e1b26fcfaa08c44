import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir } from '../helpers/tmp.js';
import { makeTestCa, makeTestLeaf, writeLeafFiles } from '../helpers/mini-ca.js';

/** An `out/` like issue writes: one directory per service, the first with a password-protected .p12. */
async function outDirectory(t: { after(fn: () => unknown): void }) {
  const dir = await tempDir(t);
  const ca = await makeTestCa();
  const out = join(dir, 'out');
  await mkdir(out);
  const web = await writeLeafFiles(out, 'web', await makeTestLeaf(ca), ca);
  await writeLeafFiles(out, 'api', await makeTestLeaf(ca), ca);
  const p12 = join(out, 'web', 'web.p12');
  const made = await openssl(['pkcs12', '-export', '-in', web.cert, '-inkey', web.key, '-out', p12, '-passout', 'pass:s3cret']);
  assert.equal(made.exitCode, 0, made.stderr);
  return { dir, out };
}

describe('mtlsctl inspect on directories', () => {
  test('when a directory holds a .p12 that needs a password then it is skipped with a warning and the rest is read', async (t) => {
    const { dir } = await outDirectory(t);
    const r = await mtlsctl(['inspect', join('out', 'web'), '--json'], { cwd: dir });
    assert.notEqual(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /^warning: skipped out\/web\/web\.p12: a PKCS#12 file and it needs a password/m);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.certificates.length >= 2, 'cert.pem, chain.pem and ca.pem were read');
    assert.ok(doc.certificates.every((c: { id: string }) => !c.id.includes('web.p12')));
  });

  test('when the password is wrong then the .p12 is skipped naming the fault, and with the right one it is read', async (t) => {
    const { dir } = await outDirectory(t);
    const wrong = await mtlsctl(['inspect', join('out', 'web'), '--json'], { cwd: dir, env: { MTLSCTL_P12_PASSWORD: 'nope' } });
    assert.match(wrong.stderr, /skipped out\/web\/web\.p12: a PKCS#12 file and the password does not open it/);
    const right = await mtlsctl(['inspect', join('out', 'web'), '--json'], { cwd: dir, env: { MTLSCTL_P12_PASSWORD: 's3cret' } });
    assert.doesNotMatch(right.stderr, /skipped/);
    assert.ok(JSON.parse(right.stdout).certificates.some((c: { id: string }) => c.id.startsWith('out/web/web.p12#')));
  });

  test('when a single .p12 file is named without a password then it is still an error', async (t) => {
    const { dir } = await outDirectory(t);
    const r = await mtlsctl(['inspect', join('out', 'web', 'web.p12')], { cwd: dir });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /\[PASSPHRASE_REQUIRED\]/);
  });

  test('when a directory holds only service directories then inspect reads them one level down', async (t) => {
    const { dir } = await outDirectory(t);
    const r = await mtlsctl(['inspect', 'out', '--json'], { cwd: dir });
    assert.notEqual(r.exitCode, 3, r.stderr);
    const ids = JSON.parse(r.stdout).certificates.map((c: { id: string }) => c.id);
    assert.ok(ids.some((id: string) => id.startsWith('out/api/cert.pem')), ids.join(' '));
    assert.ok(ids.some((id: string) => id.startsWith('out/web/cert.pem')), ids.join(' '));
  });

  test('when the sub-directories hold no certificates either then the error names them', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'empty', 'one'), { recursive: true });
    await mkdir(join(dir, 'empty', 'two', 'deeper'), { recursive: true });
    const r = await mtlsctl(['inspect', 'empty'], { cwd: dir });
    assert.equal(r.exitCode, 3);
    assert.match(r.stderr, /empty holds no certificate files .*, nor do its sub-directories one, two \[PEM_UNPARSEABLE\]/);
  });
});
