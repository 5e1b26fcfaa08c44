import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../../src/manifest/load.js';
import type { Manifest } from '../../src/manifest/types.js';
import { makeTestCa, makeTestLeaf, writeLeafFiles, type TestCa } from '../helpers/mini-ca.js';

const BOUTIQUE = fileURLToPath(new URL('../../../examples/online-boutique/kubernetes-manifests.yaml', import.meta.url));

let manifest: Manifest;

/** Replaces out/<name>/ files with a leaf from `ca`; ca.pem then holds `trustPem`. */
async function replaceWith(dir: string, ca: TestCa, name: string, trustPem: string): Promise<void> {
  const dns = manifest.services.find((s) => s.name === name)!.dns;
  const leaf = await makeTestLeaf(ca, { commonName: name, altNames: { dns } });
  const files = await writeLeafFiles(join(dir, 'out'), name, leaf, ca);
  await writeFile(files.ca, trustPem);
}

describe('mtlsctl probe --from --to on the Online Boutique manifest', () => {
  let dir: string;
  let other: TestCa;
  let boutiqueTrust: string;
  const issued = (...names: string[]) => mtlsctl(['issue', '--force', '--only', names.join(',')], { cwd: dir });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtlsctl-probe-between-'));
    other = await makeTestCa({ name: 'Stray Root CA' });
    for (const args of [['manifest', 'from-k8s', BOUTIQUE, '-o', 'mtls.yaml'], ['init', '--name', 'Boutique Root CA'], ['issue', '--only', 'frontend,checkoutservice']]) {
      const r = await mtlsctl(args, { cwd: dir });
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    manifest = await loadManifest('mtls.yaml', { cwd: dir });
    boutiqueTrust = await readFile(join(dir, 'out', 'frontend', 'ca.pem'), 'utf8');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const probe = async (extra: string[] = []) => {
    const r = await mtlsctl(['probe', '--from', 'frontend', '--to', 'checkoutservice', '--json', ...extra], { cwd: dir, timeoutMs: 30_000 });
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.diagnosis.exitCode, r.exitCode);
    return doc;
  };

  test('when both services were issued by mtlsctl issue then the probe is ok over loopback with the cluster name', async () => {
    for (const v of ['1.2', '1.3']) {
      const doc = await probe(['--tls-min', v, '--tls-max', v]);
      assert.equal(doc.diagnosis.code, 'ok', doc.diagnosis.summary);
      assert.equal(doc.mode, 'between');
      assert.deepEqual(doc.services, { from: 'frontend', to: 'checkoutservice' });
      assert.equal(doc.target.servername, 'checkoutservice.default.svc.cluster.local');
      assert.equal(doc.clientCertificate.presented[0].subject, 'CN=frontend');
    }
  });

  test('when the client certificate and key come from another CA then the code is client-cert-unknown-ca', async () => {
    await replaceWith(dir, other, 'frontend', boutiqueTrust);
    for (const v of ['1.2', '1.3']) {
      const doc = await probe(['--tls-min', v, '--tls-max', v]);
      assert.equal(doc.diagnosis.code, 'client-cert-unknown-ca', `${doc.diagnosis.summary}\n${doc.diagnosis.evidence.join('\n')}`);
      assert.match(doc.diagnosis.summary, /Stray Root CA/);
    }
  });

  test('when one side holds all its files from another CA then the client sees server-cert-untrusted first', async () => {
    for (const [stray, code] of [['checkoutservice', 'server-cert-untrusted'], ['frontend', 'server-cert-untrusted']]) {
      assert.equal((await issued('frontend', 'checkoutservice')).exitCode, 0);
      await replaceWith(dir, other, stray!, other.trustPem);
      const doc = await probe();
      assert.equal(doc.diagnosis.code, code, doc.diagnosis.summary);
      assert.equal(doc.diagnosis.exitCode, 1);
    }
  });

  test('when a service is not in the manifest then probe exits 2 and lists the services', async () => {
    const r = await mtlsctl(['probe', '--from', 'frontend', '--to', 'no-such-service'], { cwd: dir });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--to no-such-service is not a service of .*mtls\.yaml \[USAGE_INVALID_VALUE\]/);
    assert.match(r.stderr, /hint: services: frontend, .*checkoutservice/);
  });

  test('when the files were never issued then probe exits 3 and says to run mtlsctl issue', async () => {
    await rm(join(dir, 'out'), { recursive: true, force: true });
    const r = await mtlsctl(['probe', '--from', 'frontend', '--to', 'checkoutservice'], { cwd: dir });
    assert.equal(r.exitCode, 3);
    assert.match(r.stderr, /\[FILE_NOT_FOUND\]/);
    assert.match(r.stderr, /mtlsctl issue/);
  });
});
