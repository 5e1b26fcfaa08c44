import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir } from '../helpers/tmp.js';
import { snapshot } from '../helpers/snapshot.js';
import { makeTestCa, makeTestLeaf, writeLeafFiles } from '../helpers/mini-ca.js';
import { curlStatus } from '../helpers/curl.js';
import { startNginx } from '../helpers/nginx.js';

const BOUTIQUE = fileURLToPath(new URL('../../../examples/online-boutique/kubernetes-manifests.yaml', import.meta.url));


/** Service name -> action, from a --json run. */
function actions(stdout: string): Record<string, string> {
  const doc = JSON.parse(stdout) as { services: Array<{ service: string; action: string }> };
  return Object.fromEntries(doc.services.map((s) => [s.service, s.action]));
}

describe('mtlsctl issue on Online Boutique', () => {
  let base: string;
  let services: string[];
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  /** A fresh copy of the issued tree, so tests that change it stay independent. */
  async function copy(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mtlsctl-issue-'));
    dirs.push(dir);
    await cp(base, dir, { recursive: true, preserveTimestamps: true });
    return dir;
  }

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'mtlsctl-issue-'));
    dirs.push(base);
    for (const args of [['init'], ['manifest', 'from-k8s', BOUTIQUE, '-o', 'mtls.yaml'], ['issue']]) {
      const r = await mtlsctl(args, { cwd: base });
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    services = (await readdir(join(base, 'out'))).sort();
  });

  test('when issued then every service has its files and every chain verifies for server and client use', async () => {
    assert.ok(services.includes('frontend') && services.includes('checkoutservice'), services.join(' '));
    assert.ok(services.length >= 10, `${services.length} services`);
    const root = join(base, 'pki/root-ca.crt');
    const inter = join(base, 'pki/intermediate-ca.crt');
    for (const name of services) {
      assert.deepEqual((await readdir(join(base, 'out', name))).sort(), ['ca.pem', 'cert.pem', 'chain.pem', 'key.pem'], name);
      assert.equal((await stat(join(base, 'out', name, 'key.pem'))).mode & 0o777, 0o600);
      for (const purpose of ['sslserver', 'sslclient']) {
        const v = await openssl(['verify', '-x509_strict', '-purpose', purpose, '-CAfile', root, '-untrusted', inter, join(base, 'out', name, 'cert.pem')]);
        assert.equal(v.exitCode, 0, `${name} ${purpose}: ${v.stdout}${v.stderr}`);
      }
    }
    const record = (await readFile(join(base, 'pki/issued.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { service: string; status: string });
    assert.deepEqual(record.map((r) => r.service).sort(), services);
    assert.ok(record.every((r) => r.status === 'active'));
  });

  test('when nginx requires client certificates then another service gets 200 and a foreign CA gets 400', async (t) => {
    const dir = await copy();
    const files = (name: string) => ({ chain: join(dir, 'out', name, 'chain.pem'), key: join(dir, 'out', name, 'key.pem'), ca: join(dir, 'out', name, 'ca.pem') });
    const prefix = join(dir, 'nginx');
    await mkdir(prefix);
    const served = files('checkoutservice');
    const nginx = await startNginx(prefix, [{ chain: served.chain, key: served.key, clientCa: served.ca, verifyClient: 'on', extra: 'ssl_verify_depth 2;' }]);
    t.after(() => nginx.stop());
    assert.equal(await curlStatus('checkoutservice', nginx.port, files('frontend')), 200);

    const other = await makeTestCa({ name: 'Other CA' });
    const stranger = await writeLeafFiles(join(dir, 'other'), 'frontend', await makeTestLeaf(other, { commonName: 'frontend' }), other);
    const foreign = { chain: stranger.chain, key: stranger.key, ca: files('frontend').ca };
    assert.equal(await curlStatus('checkoutservice', nginx.port, foreign), 400);
  });

  test('when run again then nothing changes: same bytes and mtimes everywhere', async () => {
    const dir = await copy();
    const before = await snapshot(dir);
    const r = await mtlsctl(['issue', '--json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(Object.values(actions(r.stdout)).every((a) => a === 'unchanged'));
    assert.deepEqual(await snapshot(dir), before);
  });

  test('when one service gains a SAN then it alone is reissued, and --force reissues all', async () => {
    const dir = await copy();
    const doc = parseDocument(await readFile(join(dir, 'mtls.yaml'), 'utf8'));
    const list = doc.get('services') as { items: Array<{ get(k: string): unknown; set(k: string, v: unknown): void }> };
    list.items.find((s) => s.get('name') === 'cartservice')!.set('dns', ['cart.example.com']);
    await writeFile(join(dir, 'mtls.yaml'), doc.toString());
    const before = await snapshot(join(dir, 'out/frontend'));

    const r = await mtlsctl(['issue', '--json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    const changed = Object.entries(actions(r.stdout)).filter(([, a]) => a !== 'unchanged');
    assert.deepEqual(changed, [['cartservice', 'reissued']]);
    assert.match(r.stdout, /SANs changed: dns \+cart\.example\.com/);
    assert.deepEqual(await snapshot(join(dir, 'out/frontend')), before);
    const san = await openssl(['x509', '-in', join(dir, 'out/cartservice/cert.pem'), '-noout', '-ext', 'subjectAltName']);
    assert.match(san.stdout, /DNS:cart\.example\.com/);

    const forced = await mtlsctl(['issue', '--force'], { cwd: dir });
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.match(forced.stdout, new RegExp(`^0 issued, 0 renewed, ${services.length} reissued, 0 unchanged`, 'm'));
  });

  test('when it is a dry run then it prints the plan and writes nothing', async () => {
    const dir = await copy();
    await mtlsctl(['init', '--force'], { cwd: dir }); // a new CA: everything would be reissued
    const before = await snapshot(dir);
    const r = await mtlsctl(['issue', '--dry-run'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^frontend\s+reissue\s+\S+\s+issued by another CA/m);
    assert.match(r.stdout, /nothing was written/);
    assert.deepEqual(await snapshot(dir), before);
  });

  test('when --only names an unknown service then it exits 2 and lists the known ones', async () => {
    const r = await mtlsctl(['issue', '--only', 'frontend,nosuch'], { cwd: base });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /nosuch.*\[USAGE_INVALID_VALUE\]/);
    assert.match(r.stderr, /hint: known services: .*checkoutservice/);
  });

  for (const blank of ['', ',', ' , ']) {
    test(`when --only is ${JSON.stringify(blank)} then it exits 2 and writes nothing`, async () => {
      const before = await snapshot(base);
      const r = await mtlsctl(['issue', '--only', blank, '--force'], { cwd: base });
      assert.equal(r.exitCode, 2, r.stderr);
      assert.match(r.stderr, /--only .* names no service \[USAGE_INVALID_VALUE\]/);
      assert.deepEqual(await snapshot(base), before);
    });
  }

  test('when the manifest has several mistakes then all are reported and nothing is written', async (t) => {
    const dir = await tempDir(t);
    assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
    await writeFile(join(dir, 'mtls.yaml'), 'services:\n  - name: Bad_Name\n    ttl: forever\n  - name: ok\n    keyType: dsa\n');
    const before = await snapshot(dir);
    const r = await mtlsctl(['issue'], { cwd: dir });
    assert.equal(r.exitCode, 3);
    assert.match(r.stderr, /\[MANIFEST_INVALID\]/);
    assert.ok(r.stderr.split('\n').filter((l) => /mtls\.yaml:\d+:\d+/.test(l)).length >= 3, r.stderr);
    assert.deepEqual(await snapshot(dir), before);
  });
});
