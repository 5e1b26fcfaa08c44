import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseManifestFast } from '../../../src/manifest/fast-parse.js';
import { parseManifest } from '../../../src/manifest/parse.js';
import { manifestFromK8s } from '../../../src/manifest/from-k8s.js';

const FILE = '/srv/app/mtls.yaml';
const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

const VALID: Array<[string, string]> = [
  ['a minimal manifest', 'services:\n  - name: a\n'],
  ['defaults and extras', [
    'trustDomain: example.org', 'clusterDomain: k8s.local', 'caDir: ca', 'outDir: certs',
    'defaults:', '  namespace: shop', '  ttl: 30d', '  usage: server',
    'services:',
    '  - name: web # the front door',
    '    dns: [shop.example.com]',
    '    ip: ["10.0.0.5", "FD00:0::5"]',
    '  - name: "db"',
    '    namespace: data',
    '    keyType: rsa-2048',
    '    renewBefore: 10d',
    '    formats: [pem, p12]',
    '    p12: { passwordEnv: DB_P12 }',
  ].join('\n')],
];

for (const [what, text] of VALID) {
  test(`when the manifest is ${what} then the fast path gives exactly what the full parser gives`, () => {
    const fast = parseManifestFast(text, FILE);
    assert.ok(fast, 'the fast path accepts a valid block-style manifest');
    assert.deepEqual(fast, parseManifest(text, FILE));
  });
}

test('when the manifest is the starter template or from-k8s output then both paths agree', async () => {
  const starter = await readFile(repo('templates/mtls.yaml'), 'utf8');
  const k8s = await manifestFromK8s([repo('examples/online-boutique/kubernetes-manifests.yaml')], { cwd: '/' });
  for (const text of [starter, k8s.text]) {
    const fast = parseManifestFast(text, FILE);
    assert.ok(fast);
    assert.deepEqual(fast, parseManifest(text, FILE));
  }
});

const DECLINED: Array<[string, string]> = [
  ['has a problem', 'services:\n  - name: Bad_Name\n'],
  ['has a YAML error', 'services:\n  - name: a\n   bad: indent\n'],
  ['uses anchors', 'defaults: &d\n  ttl: 30d\nservices:\n  - name: a\n'],
  ['is in flow style', 'services: [{name: a}]\n'],
  ['repeats a key', 'services:\n  - name: a\n    name: b\n'],
  ['is empty', ''],
];
for (const [what, text] of DECLINED) {
  test(`when the manifest ${what} then the fast path declines and leaves it to the full parser`, () => {
    assert.equal(parseManifestFast(text, FILE), undefined);
  });
}
