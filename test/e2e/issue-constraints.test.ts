import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir } from '../helpers/tmp.js';

const env = { MTLSCTL_CA_PASSPHRASE: 'correct horse battery' };

test('when the README init example with name constraints meets issue then the automatic names fit and openssl verifies the leaf', async (t) => {
  const dir = await tempDir(t);
  const init = await mtlsctl(['init', '--permit-dns', '.svc.cluster.local', '--permit-uri', 'spiffe://cluster.local'], { cwd: dir, env });
  assert.equal(init.exitCode, 0, init.stderr);
  await writeFile(join(dir, 'mtls.yaml'), 'services:\n  - name: api\n  - name: web\n    namespace: shop\n');

  const r = await mtlsctl(['issue'], { cwd: dir, env });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stderr.match(/^note: left out 6 automatic DNS names outside the CA's name constraints \(\.svc\.cluster\.local\)/gm)?.length, 1);
  const cert = new X509Certificate(await readFile(join(dir, 'out/api/cert.pem')));
  assert.equal(cert.subjectAltName, 'DNS:api.default.svc.cluster.local, URI:spiffe://cluster.local/ns/default/sa/api');

  for (const service of ['api', 'web']) {
    const out = join(dir, 'out', service);
    const verified = await openssl(['verify', '-x509_strict', '-CAfile', join(out, 'ca.pem'), '-untrusted', join(dir, 'pki/intermediate-ca.crt'), join(out, 'cert.pem')]);
    assert.equal(verified.exitCode, 0, verified.stdout + verified.stderr);
  }

  const again = await mtlsctl(['issue', '--json'], { cwd: dir, env });
  assert.equal(again.exitCode, 0, again.stderr);
  assert.deepEqual((JSON.parse(again.stdout) as { services: Array<{ action: string }> }).services.map((s) => s.action), ['unchanged', 'unchanged']);
});

test('when a name listed under dns lies outside the constraints then issue still refuses it', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await mtlsctl(['init', '--permit-dns', '.svc.cluster.local'], { cwd: dir })).exitCode, 0);
  await writeFile(join(dir, 'mtls.yaml'), 'services:\n  - name: api\n    dns: [api.default]\n');
  const r = await mtlsctl(['issue'], { cwd: dir });
  assert.equal(r.exitCode, 3);
  assert.match(r.stderr, /may not certify api: DNS name api\.default is outside \.svc\.cluster\.local \[SAN_NOT_PERMITTED\]/);
});
