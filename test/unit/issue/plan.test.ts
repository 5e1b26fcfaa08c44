import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCaView } from '../../../src/issue/ca-view.js';
import { planIssue } from '../../../src/issue/plan.js';
import { runIssue, type IssueRunOptions } from '../../../src/issue/run.js';
import { MtlsError } from '../../../src/errors.js';
import type { Manifest } from '../../../src/manifest/types.js';
import { tempDir } from '../../helpers/tmp.js';
import { DAY, makeCaDir, manifestOf, serviceSpec } from './fixtures.js';

const runOptions = (now = new Date()): IssueRunOptions => ({ now, env: {}, passphrase: async () => undefined, lockTimeoutMs: 2000 });

async function issued(t: Parameters<typeof tempDir>[0], services = [serviceSpec('frontend'), serviceSpec('checkout')]) {
  const dir = await tempDir(t);
  await makeCaDir(dir);
  const manifest = manifestOf(dir, services);
  await runIssue(manifest, runOptions());
  return { dir, manifest, ca: await loadCaView(manifest.caDir) };
}

function actions(manifest: Manifest, ca: Awaited<ReturnType<typeof loadCaView>>, now = new Date(), opts = {}) {
  return Object.fromEntries(planIssue(manifest, ca, now, opts).services.map((p) => [p.spec.name, `${p.action}: ${p.reason}`]));
}

describe('planIssue', () => {
  test('when no certificate exists then every service is to be issued', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    const manifest = manifestOf(dir, [serviceSpec('a'), serviceSpec('b')]);
    const plan = planIssue(manifest, await loadCaView(manifest.caDir), new Date());
    assert.deepEqual(plan.services.map((p) => p.action), ['issue', 'issue']);
  });

  test('when everything was issued and nothing changed then every service is unchanged', async (t) => {
    const { manifest, ca } = await issued(t);
    assert.deepEqual(actions(manifest, ca), { frontend: 'unchanged: up to date', checkout: 'unchanged: up to date' });
  });

  test('when one service gains a DNS name then only it is reissued, naming the name', async (t) => {
    const { manifest, ca } = await issued(t);
    manifest.services[0] = serviceSpec('frontend', { dns: [...manifest.services[0]!.dns, 'www.example.com'] });
    const plan = actions(manifest, ca);
    assert.equal(plan.frontend, 'reissue: SANs changed: dns +www.example.com');
    assert.equal(plan.checkout, 'unchanged: up to date');
  });

  test('when IP and URI SANs, usage or key type change then the service is reissued with that reason', async (t) => {
    const { manifest, ca } = await issued(t);
    const cases: Array<[Partial<Parameters<typeof serviceSpec>[1]>, RegExp]> = [
      [{ ip: ['10.0.0.1'] }, /SANs changed: ip \+10\.0\.0\.1/],
      [{ uri: ['spiffe://cluster.local/ns/default/sa/other'] }, /SANs changed: uri \+spiffe.*other -spiffe.*frontend/],
      [{ usage: 'server' }, /usage changed to server/],
      [{ keyType: 'rsa-2048' }, /key type ecdsa-p256 -> rsa-2048/],
    ];
    for (const [change, reason] of cases) {
      manifest.services[0] = serviceSpec('frontend', change);
      assert.match(actions(manifest, ca).frontend!, reason);
    }
  });

  test('when a file is missing or the key belongs elsewhere then the service is reissued saying which', async (t) => {
    const { dir, manifest, ca } = await issued(t);
    const out = join(dir, 'out');
    await writeFile(join(out, 'frontend/key.pem'), await readFile(join(out, 'checkout/key.pem')));
    assert.equal(actions(manifest, ca).frontend, 'reissue: key.pem does not match cert.pem');
    for (const file of ['key.pem', 'chain.pem', 'ca.pem']) {
      await rm(join(out, 'checkout', file));
      assert.equal(actions(manifest, ca).checkout, `reissue: ${file} is missing`);
      await runIssue(manifest, runOptions());
    }
    manifest.services[1] = serviceSpec('checkout', { formats: ['pem', 'p12'], p12: { legacy: false, friendlyName: 'checkout' } });
    assert.equal(actions(manifest, ca).checkout, 'reissue: checkout.p12 is missing');
  });

  test('when cert.pem is garbage then the service is reissued', async (t) => {
    const { dir, manifest, ca } = await issued(t);
    await writeFile(join(dir, 'out/frontend/cert.pem'), '');
    assert.equal(actions(manifest, ca).frontend, 'reissue: cert.pem holds no PEM certificate');
  });

  test('when the certificate enters its renewal window or expires then it is renewed', async (t) => {
    const { manifest, ca } = await issued(t);
    const inWindow = new Date(Date.now() + 61 * DAY);
    assert.match(actions(manifest, ca, inWindow).frontend!, /^renew: expires \d{4}-\d\d-\d\d, within renewBefore 30d$/);
    assert.equal(actions(manifest, ca, new Date(Date.now() + 91 * DAY)).frontend, 'renew: expired');
    assert.equal(actions(manifest, ca, new Date(Date.now() + 59 * DAY)).frontend, 'unchanged: up to date');
  });

  test('when the CA was replaced then every service is reissued as issued by another CA', async (t) => {
    const { dir, manifest } = await issued(t);
    // As init --force does: new CA files, the record kept.
    const record = await readFile(join(dir, 'pki/issued.jsonl'));
    await rm(join(dir, 'pki'), { recursive: true });
    await makeCaDir(dir);
    await writeFile(join(dir, 'pki/issued.jsonl'), record);
    const plan = actions(manifest, await loadCaView(manifest.caDir));
    assert.equal(plan.frontend, 'reissue: issued by another CA than the current issuing CA');
  });

  test('when a service folder holds a certificate this CA directory never issued then planning refuses to replace it', async (t) => {
    const { dir, manifest } = await issued(t);
    await rm(join(dir, 'pki'), { recursive: true });
    await makeCaDir(dir);
    const ca = await loadCaView(manifest.caDir);
    assert.throws(() => planIssue(manifest, ca, new Date(), { only: ['frontend'] }), (e: MtlsError) => {
      assert.equal(e.code, 'REFUSE_OVERWRITE');
      assert.equal(e.exitCode, 4);
      assert.match(e.message, /^frontend: .*out\/frontend\/cert\.pem and .*out\/frontend\/key\.pem were not issued from .*pki; nothing was written$/);
      assert.equal(e.hint, 'keep a copy if you need them, then replace them with: mtlsctl issue --force --only frontend');
      return true;
    });
    assert.equal(actions(manifest, ca, new Date(), { force: true, only: ['frontend'] }).frontend, 'reissue: issued by another CA than the current issuing CA');
  });

  test('when --force is given then unchanged services are reissued and --only narrows the plan', async (t) => {
    const { manifest, ca } = await issued(t);
    assert.deepEqual(actions(manifest, ca, new Date(), { force: true, only: ['checkout'] }), { checkout: 'reissue: forced with --force' });
  });

  test('when --only names an unknown service then it is a usage error listing the known ones', async (t) => {
    const { manifest, ca } = await issued(t);
    assert.throws(() => planIssue(manifest, ca, new Date(), { only: ['frontend', 'nope'] }), (e: MtlsError) => {
      assert.equal(e.code, 'USAGE_INVALID_VALUE');
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /not in the manifest: nope/);
      assert.match(e.hint!, /frontend, checkout/);
      return true;
    });
  });

  test('when the manifest sets a trust domain other than the CA\'s then planning fails with TRUST_DOMAIN_MISMATCH', async (t) => {
    const { manifest, ca } = await issued(t);
    manifest.trustDomain = 'example.org';
    manifest.trustDomainFrom = 'manifest';
    assert.throws(() => planIssue(manifest, ca, new Date()), (e: MtlsError) => {
      assert.equal(e.code, 'TRUST_DOMAIN_MISMATCH');
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /^trustDomain example\.org in .*mtls\.yaml differs from the CA's cluster\.local/);
      assert.equal(e.hint, 'remove trustDomain from the manifest to use the CA\'s, or set trustDomain: cluster.local');
      return true;
    });
  });

  test('when the manifest has no trust domain then the services get SPIFFE IDs in the CA\'s', async (t) => {
    const { manifest, ca } = await issued(t);
    const defaulted: Manifest = { ...manifest, trustDomainFrom: 'default' };
    const plan = planIssue(defaulted, { ...ca, meta: { ...ca.meta, trustDomain: 'prod.acme' } }, new Date());
    assert.deepEqual(plan.services.map((p) => p.spec.uri[0]), ['spiffe://prod.acme/ns/default/sa/frontend', 'spiffe://prod.acme/ns/default/sa/checkout']);
  });

  test('when SANs fall outside the CA name constraints then planning refuses, naming each service and name', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir, { permitDns: ['.svc.cluster.local'], permitUri: ['spiffe://cluster.local'] });
    const good = serviceSpec('good', { dns: ['good.default.svc.cluster.local'] });
    const bad = serviceSpec('bad', { dns: ['bad.default.svc.cluster.local', 'bad.example.com'], uri: ['spiffe://other.org/x'] });
    const manifest = manifestOf(dir, [good, bad]);
    const ca = await loadCaView(manifest.caDir);
    assert.equal(planIssue(manifest, ca, new Date(), { only: ['good'] }).services.length, 1);
    assert.throws(() => planIssue(manifest, ca, new Date()), (e: MtlsError) => {
      assert.equal(e.code, 'SAN_NOT_PERMITTED');
      assert.equal(e.exitCode, 3);
      assert.deepEqual(e.details, [
        'bad: DNS name bad.example.com is outside .svc.cluster.local',
        'bad: URI spiffe://other.org/x is outside the URI host cluster.local',
      ]);
      return true;
    });
  });
  test('when the CA has DNS constraints then automatic names outside them are left out with one note', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir, { permitDns: ['.svc.cluster.local'], permitUri: ['spiffe://cluster.local'] });
    const manifest = manifestOf(dir, [serviceSpec('api', { dnsListed: [] }), serviceSpec('web', { dnsListed: [] })]);
    const plan = planIssue(manifest, await loadCaView(manifest.caDir), new Date());
    assert.deepEqual(plan.services.map((p) => p.spec.dns), [['api.default.svc.cluster.local'], ['web.default.svc.cluster.local']]);
    assert.deepEqual(plan.notes, [
      "left out 6 automatic DNS names outside the CA's name constraints (.svc.cluster.local): api: api, api: api.default, api: api.default.svc and 3 more",
    ]);
  });

  test('when a name outside the constraints is listed under dns then planning still refuses it', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir, { permitDns: ['.svc.cluster.local'] });
    const api = serviceSpec('api', { dnsListed: ['api.default'] });
    const manifest = manifestOf(dir, [api]);
    const ca = await loadCaView(manifest.caDir);
    assert.throws(() => planIssue(manifest, ca, new Date()), (e: MtlsError) => {
      assert.equal(e.code, 'SAN_NOT_PERMITTED');
      assert.equal(e.message, `the CA in ${manifest.caDir} may not certify api: DNS name api.default is outside .svc.cluster.local`);
      return true;
    });
  });

  test('when the CA has no DNS constraints then every automatic name stays and there is no note', async (t) => {
    const { manifest, ca } = await issued(t);
    const plan = planIssue(manifest, ca, new Date());
    assert.equal(plan.services[0]!.spec.dns.length, 4);
    assert.deepEqual(plan.notes, []);
  });
});
