import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

test('when the manifest has no trustDomain then check and issue use the CA\'s', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await mtlsctl(['manifest', 'new'], { cwd: dir })).exitCode, 0);
  const before = await mtlsctl(['manifest', 'check'], { cwd: dir });
  assert.equal(before.exitCode, 0, before.stderr);
  assert.match(before.stdout, /trust domain cluster\.local,/, 'without a CA the default applies');

  assert.equal((await mtlsctl(['init', '--trust-domain', 'prod.acme', '--permit-uri', 'spiffe://prod.acme'], { cwd: dir })).exitCode, 0);
  const checked = await mtlsctl(['manifest', 'check'], { cwd: dir });
  assert.equal(checked.exitCode, 0, checked.stderr);
  assert.match(checked.stdout, /trust domain prod\.acme \(the CA's\),/);

  const r = await mtlsctl(['issue'], { cwd: dir });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /trust domain/);
  const cert = new X509Certificate(await readFile(join(dir, 'out/checkout/cert.pem')));
  assert.match(cert.subjectAltName!, /URI:spiffe:\/\/prod\.acme\/ns\/payments\/sa\/checkout-sa/);
});

test('when the manifest sets another trustDomain than the CA then issue fails with TRUST_DOMAIN_MISMATCH (exit 3)', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await mtlsctl(['init', '--trust-domain', 'prod.acme'], { cwd: dir })).exitCode, 0);
  await writeFile(join(dir, 'mtls.yaml'), 'trustDomain: cluster.local\nservices:\n  - name: api\n');
  const r = await mtlsctl(['issue'], { cwd: dir });
  assert.equal(r.exitCode, 3);
  assert.match(r.stderr, /^error: trustDomain cluster\.local in \S*mtls\.yaml differs from the CA's prod\.acme .*\[TRUST_DOMAIN_MISMATCH\]\nhint: remove trustDomain from the manifest to use the CA's, or set trustDomain: prod\.acme\n/);
});
