import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadManifest } from '../../../src/manifest/load.js';
import { parseManifest } from '../../../src/manifest/parse.js';
import { tempDir } from '../../helpers/tmp.js';

const DAY = 86_400_000;
const load = (text: string) => parseManifest(text, '/srv/app/mtls.yaml', 'mtls.yaml');

describe('manifest defaults', () => {
  test('when a service gives only its name then every default applies', () => {
    const m = load('services:\n  - name: api\n');
    assert.equal(m.file, '/srv/app/mtls.yaml');
    assert.equal(m.trustDomain, 'cluster.local');
    assert.equal(m.trustDomainFrom, 'default');
    assert.equal(m.clusterDomain, 'cluster.local');
    assert.equal(m.caDir, '/srv/app/pki');
    assert.equal(m.outDir, '/srv/app/out');
    assert.deepEqual(m.services, [{
      name: 'api',
      namespace: 'default',
      serviceAccount: 'api',
      dns: ['api', 'api.default', 'api.default.svc', 'api.default.svc.cluster.local'],
      dnsListed: [],
      ip: [],
      uri: ['spiffe://cluster.local/ns/default/sa/api'],
      usage: 'both',
      keyType: 'ecdsa-p256',
      ttl: 90 * DAY,
      renewBefore: 30 * DAY,
      formats: ['pem'],
      line: 2,
    }]);
  });

  test('when top-level domains and directories are set then names and paths follow them', () => {
    const m = load('trustDomain: example.org\nclusterDomain: k8s.internal\ncaDir: ../ca\noutDir: /var/certs\nservices:\n  - name: api\n    namespace: shop\n    serviceAccount: api-runner\n');
    const s = m.services[0]!;
    assert.equal(m.caDir, '/srv/ca');
    assert.equal(m.outDir, '/var/certs');
    assert.deepEqual(s.dns, ['api', 'api.shop', 'api.shop.svc', 'api.shop.svc.k8s.internal']);
    assert.deepEqual(s.uri, ['spiffe://example.org/ns/shop/sa/api-runner']);
  });

  test('when extras repeat default names then they are kept once, after the defaults', () => {
    const s = load('services:\n  - name: web\n    dns: [shop.example.com, web.default, shop.example.com]\n    ip: [10.0.0.1, "::1", 10.0.0.1, "FD00:0:0::5", "fd00::5"]\n    uri: [https://web.example/id, https://web.example/id]\n').services[0]!;
    assert.deepEqual(s.dns, ['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local', 'shop.example.com']);
    assert.deepEqual(s.ip, ['10.0.0.1', '::1', 'fd00::5']);
    assert.deepEqual(s.uri, ['spiffe://cluster.local/ns/default/sa/web', 'https://web.example/id']);
  });

  test('when defaults are set then services inherit them and their own fields win', () => {
    const m = load([
      'defaults:',
      '  namespace: shop',
      '  usage: server',
      '  keyType: rsa-2048',
      '  ttl: 30d',
      'services:',
      '  - name: a',
      '  - name: b',
      '    usage: client',
      '    keyType: ed25519',
      '    ttl: 12h',
      '    renewBefore: 1h',
    ].join('\n'));
    const [a, b] = m.services;
    assert.deepEqual([a!.namespace, a!.usage, a!.keyType, a!.ttl, a!.renewBefore, a!.line], ['shop', 'server', 'rsa-2048', 30 * DAY, 10 * DAY, 7]);
    assert.deepEqual([b!.namespace, b!.usage, b!.keyType, b!.ttl, b!.renewBefore, b!.line], ['shop', 'client', 'ed25519', 12 * 3_600_000, 3_600_000, 8]);
  });

  test('when the ttl does not divide by three then renewBefore is a third rounded down to seconds', () => {
    const s = load('services:\n  - name: a\n    ttl: 1h1s\n').services[0]!;
    assert.equal(s.renewBefore, 1_200_000);
  });

  test('when p12 is asked for without a password source then MTLSCTL_P12_PASSWORD and the service name apply', () => {
    const s = load('services:\n  - name: billing\n    formats: [p12]\n').services[0]!;
    assert.deepEqual(s.formats, ['pem', 'p12']);
    assert.deepEqual(s.p12, { passwordEnv: 'MTLSCTL_P12_PASSWORD', legacy: false, friendlyName: 'billing' });
  });

  test('when a password file is relative then it resolves against the manifest directory', () => {
    const s = load('defaults:\n  formats: [pem, p12]\n  p12: { passwordFile: secrets/p12.pass, legacy: true }\nservices:\n  - name: a\n').services[0]!;
    assert.deepEqual(s.p12, { passwordFile: '/srv/app/secrets/p12.pass', legacy: true, friendlyName: 'a' });
  });

  test("when a service names its own password source then it replaces the default's", () => {
    const s = load('defaults:\n  formats: [p12]\n  p12: { passwordFile: p.pass }\nservices:\n  - name: a\n    p12: { passwordEnv: A_PASS, friendlyName: alpha }\n').services[0]!;
    assert.deepEqual(s.p12, { passwordEnv: 'A_PASS', legacy: false, friendlyName: 'alpha' });
  });

  test('when p12 settings exist but formats lacks p12 then no p12 is resolved', () => {
    const s = load('services:\n  - name: a\n    p12: { passwordEnv: A_PASS }\n').services[0]!;
    assert.equal(s.p12, undefined);
    assert.deepEqual(s.formats, ['pem']);
  });

  test('when loadManifest gets a relative file and a cwd then it reads from there and resolves paths beside it', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'm.yaml'), 'caDir: ca\nservices:\n  - name: a\n');
    const m = await loadManifest('m.yaml', { cwd: dir });
    assert.equal(m.file, join(dir, 'm.yaml'));
    assert.equal(m.caDir, join(dir, 'ca'));
    assert.equal(m.outDir, join(dir, 'out'));
  });
});
