import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

interface InspectDoc {
  findings: Array<{ code: string; severity: string }>;
  summary: { errors: number; ok: boolean };
}

for (const keyType of ['ecdsa-p256', 'rsa-2048', 'ed25519']) {
  test(`when inspect reads what issue wrote (${keyType}) then it finds no error for server or client use`, async (t) => {
    const dir = await tempDir(t);
    assert.equal((await mtlsctl(['init', '--key-type', keyType], { cwd: dir })).exitCode, 0);
    await writeFile(join(dir, 'mtls.yaml'), [
      `defaults: { keyType: ${keyType} }`, 'services:', '  - name: web', '    ip: [10.0.0.5, "fd00::5"]', '  - name: worker', '    usage: client', '',
    ].join('\n'));
    const issued = await mtlsctl(['issue'], { cwd: dir });
    assert.equal(issued.exitCode, 0, issued.stderr);

    const cases: Array<[string, string[]]> = [
      ['web', ['--purpose', 'server', '--name', 'web.default.svc.cluster.local', '--ip', 'fd00::5']],
      ['web', ['--purpose', 'client', '--uri', 'spiffe://cluster.local/ns/default/sa/web']],
      ['worker', ['--purpose', 'client']],
    ];
    for (const [service, checks] of cases) {
      const out = join(dir, 'out', service);
      const r = await mtlsctl(['inspect', join(out, 'chain.pem'), '--ca', join(out, 'ca.pem'), '--key', join(out, 'key.pem'), ...checks, '--json'], { cwd: dir });
      const doc = JSON.parse(r.stdout) as InspectDoc;
      const errors = doc.findings.filter((f) => f.severity === 'error').map((f) => f.code);
      assert.deepEqual(errors, [], `${service} ${checks.join(' ')}`);
      assert.equal(r.exitCode, 0, r.stderr);
    }

    const serverCheckOnClient = await mtlsctl(['inspect', join(dir, 'out/worker/chain.pem'), '--ca', join(dir, 'out/worker/ca.pem'), '--purpose', 'server', '--json'], { cwd: dir });
    assert.equal(serverCheckOnClient.exitCode, 1, 'a client-only certificate fails a server check');
    assert.ok((JSON.parse(serverCheckOnClient.stdout) as InspectDoc).findings.some((f) => f.code === 'EKU_MISSING_PURPOSE'));
  });
}

test('when issue writes a leaf with ttl 398d then inspect does not call its validity too long', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
  await writeFile(join(dir, 'mtls.yaml'), ['services:', '  - name: web', '    ttl: 398d', ''].join('\n'));
  const issued = await mtlsctl(['issue'], { cwd: dir });
  assert.equal(issued.exitCode, 0, issued.stderr);
  const r = await mtlsctl(['inspect', join(dir, 'out/web/cert.pem'), '--json'], { cwd: dir });
  const codes = (JSON.parse(r.stdout) as InspectDoc).findings.map((f) => f.code);
  assert.ok(!codes.includes('VALIDITY_TOO_LONG'), codes.join(', '));
});
