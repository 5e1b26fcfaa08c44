import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mtlsctl } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

const BOUTIQUE = fileURLToPath(new URL('../../../examples/online-boutique/kubernetes-manifests.yaml', import.meta.url));
const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('mtlsctl manifest', () => {
  test('when manifest new runs then manifest check accepts the starter and lists its services', async (t) => {
    const dir = await tempDir(t);
    const created = await mtlsctl(['manifest', 'new'], { cwd: dir });
    assert.equal(created.exitCode, 0, created.stderr);
    assert.match(created.stdout, /^Wrote mtls\.yaml, a starter manifest with 3 example services/);
    assert.match(await readFile(join(dir, 'mtls.yaml'), 'utf8'), /^# mtlsctl manifest/);

    const checked = await mtlsctl(['manifest', 'check'], { cwd: dir });
    assert.equal(checked.exitCode, 0, checked.stderr);
    assert.match(checked.stdout, /^mtls\.yaml is valid: 3 services, trust domain cluster\.local, CA pki, output out\n/);
    assert.match(checked.stdout, /^frontend\s+default\s+frontend\s+both\s+ecdsa-p256\s+90d\/30d/m);
  });

  test('when manifest check --json runs then stdout is one document with resolved services', async (t) => {
    const dir = await tempDir(t);
    await mtlsctl(['manifest', 'new', '-f', 'conf/m.yaml'], { cwd: dir });
    const r = await mtlsctl(['manifest', 'check', '-f', 'conf/m.yaml', '--json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.command, 'manifest check');
    assert.equal(doc.caDir, join(dir, 'conf/pki'));
    assert.deepEqual(doc.services.map((s: { name: string }) => s.name), ['frontend', 'checkout', 'reports']);
    assert.equal(doc.services[1].uri[0], 'spiffe://cluster.local/ns/payments/sa/checkout-sa');
  });

  test('when the file exists then manifest new refuses without --force and replaces it with --force', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'mtls.yaml'), 'mine\n');
    const refused = await mtlsctl(['manifest', 'new'], { cwd: dir });
    assert.equal(refused.exitCode, 4);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^error: mtls\.yaml already exists \[REFUSE_OVERWRITE\]\nhint: pass --force to replace it, or choose another file with -f\n/);
    assert.equal(await readFile(join(dir, 'mtls.yaml'), 'utf8'), 'mine\n');

    const forced = await mtlsctl(['manifest', 'new', '--force'], { cwd: dir });
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.notEqual(await readFile(join(dir, 'mtls.yaml'), 'utf8'), 'mine\n');
  });

  test('when the manifest has mistakes then check exits 3 listing each file:line without a stack trace', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'mtls.yaml'), 'services:\n  - name: api\n    tll: 9d\n  - name: api\n    ip: [10.0.0.256]\n');
    const r = await mtlsctl(['manifest', 'check'], { cwd: dir });
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.split('\n'), [
      'error: found 3 problems in manifest mtls.yaml [MANIFEST_INVALID]',
      '  mtls.yaml:3:5: services[0].tll: unknown key "tll"; did you mean "ttl"?',
      '  mtls.yaml:4:11: services[1].name: "api" is already the name of services[0]; give each service a unique name (each gets its own output folder)',
      '  mtls.yaml:5:10: services[1].ip[0]: "10.0.0.256" is not an IP address; write an IPv4 address such as 10.0.0.5 or an IPv6 address such as fd00::5',
      'hint: fix the lines above, then run mtlsctl manifest check -f mtls.yaml',
      '',
    ]);
    assert.doesNotMatch(r.stderr, NO_STACK);
  });

  test('when a p12 password source is missing then check still passes and warns on stderr', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'mtls.yaml'), 'services:\n  - name: a\n    formats: [p12]\n  - name: b\n    formats: [p12]\n    p12: { passwordFile: b.pass }\n');
    const r = await mtlsctl(['manifest', 'check'], { cwd: dir, env: { MTLSCTL_P12_PASSWORD: undefined } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /^warning: a: p12 password variable MTLSCTL_P12_PASSWORD is not set/m);
    assert.match(r.stderr, /^warning: b: p12 password file .*b\.pass does not exist/m);
    const set = await mtlsctl(['manifest', 'check'], { cwd: dir, env: { MTLSCTL_P12_PASSWORD: 'x' } });
    assert.doesNotMatch(set.stderr, /MTLSCTL_P12_PASSWORD/);
  });

  test('when the manifest is missing then check exits 3 with FILE_NOT_FOUND', async (t) => {
    const dir = await tempDir(t);
    const r = await mtlsctl(['manifest', 'check', '-f', 'nope.yaml'], { cwd: dir });
    assert.equal(r.exitCode, 3);
    assert.match(r.stderr, /^error: cannot read manifest nope\.yaml: no such file \[FILE_NOT_FOUND\]/);
  });

  test('when from-k8s reads Online Boutique then the printed manifest loads with 12 services', async (t) => {
    const dir = await tempDir(t);
    const r = await mtlsctl(['manifest', 'from-k8s', BOUTIQUE], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /Read 35 objects: 12 workloads, 12 Services, 11 ServiceAccounts\n/);
    assert.match(r.stdout, /^# mtlsctl manifest, generated by `mtlsctl manifest from-k8s` from:/);
    await writeFile(join(dir, 'mtls.yaml'), r.stdout);

    const checked = await mtlsctl(['manifest', 'check', '--json'], { cwd: dir });
    assert.equal(checked.exitCode, 0, checked.stderr);
    const services = JSON.parse(checked.stdout).services as Array<{ name: string; namespace: string; serviceAccount: string; uri: string[] }>;
    assert.equal(services.length, 12);
    const accounts = Object.fromEntries(services.map((s) => [s.name, s.serviceAccount]));
    assert.equal(accounts['redis-cart'], 'default');
    assert.equal(accounts['frontend'], 'frontend');
    assert.equal(new Set(services.map((s) => s.serviceAccount)).size, 12, '11 named accounts and default');
    assert.ok(services.every((s) => s.namespace === 'default'));
    assert.equal(services.find((s) => s.name === 'paymentservice')!.uri[0], 'spiffe://cluster.local/ns/default/sa/paymentservice');
  });

  test('when from-k8s writes -o then it refuses an existing file without --force and --json prints the manifest', async (t) => {
    const dir = await tempDir(t);
    const first = await mtlsctl(['manifest', 'from-k8s', BOUTIQUE, '-o', 'mtls.yaml', '--json', '--trust-domain', 'shop.example'], { cwd: dir });
    assert.equal(first.exitCode, 0, first.stderr);
    const doc = JSON.parse(first.stdout);
    assert.equal(doc.command, 'manifest from-k8s');
    assert.equal(doc.manifest.trustDomain, 'shop.example');
    assert.equal(doc.manifest.services.length, 12);
    assert.deepEqual([doc.counts.workloads, doc.counts.serviceAccounts], [12, 11]);
    assert.match(await readFile(join(dir, 'mtls.yaml'), 'utf8'), /^trustDomain: shop\.example$/m);

    const again = await mtlsctl(['manifest', 'from-k8s', BOUTIQUE, '-o', 'mtls.yaml'], { cwd: dir });
    assert.equal(again.exitCode, 4);
    assert.match(again.stderr, /\[REFUSE_OVERWRITE\]\nhint: pass --force to replace it, or choose another file with -o\n/);
    const forced = await mtlsctl(['manifest', 'from-k8s', BOUTIQUE, '-o', 'mtls.yaml', '--force'], { cwd: dir });
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.equal(forced.stdout, '');
  });

  test('when from-k8s reads - then it takes stdin and counts in the singular for one', async (t) => {
    const dir = await tempDir(t);
    const input = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: api }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec: { template: { spec: { serviceAccountName: api } } }\n';
    const r = await mtlsctl(['manifest', 'from-k8s', '-'], { cwd: dir, input });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /Read 2 objects: 1 workload, 0 Services, 1 ServiceAccount\n/);
    assert.match(r.stdout, /^# +<stdin>$/m);
    assert.match(r.stdout, /- name: api\n/);
  });

  test('when from-k8s input is broken YAML then it exits 3 naming file:line', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'bad.yaml'), 'kind: Deployment\nmetadata:\n  name: [api\n');
    const r = await mtlsctl(['manifest', 'from-k8s', 'bad.yaml'], { cwd: dir });
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: found 1 YAML error in the Kubernetes input \[K8S_UNPARSEABLE\]\n {2}bad\.yaml:4:1: /);
    assert.doesNotMatch(r.stderr, NO_STACK);
  });

  for (const sub of ['new', 'check', 'from-k8s']) {
    test(`when manifest ${sub} --help runs then it shows usage, examples and exit codes`, async (t) => {
      const r = await mtlsctl(['manifest', sub, '--help'], { cwd: await tempDir(t) });
      assert.equal(r.exitCode, 0);
      assert.match(r.stdout, /^Usage: mtlsctl manifest /);
      assert.match(r.stdout, /\nExamples:\n {2}\$ mtlsctl manifest /);
      assert.match(r.stdout, /\nExit codes:\n/);
      assert.doesNotMatch(r.stdout, /TODO/);
    });
  }
});
