/** summaryLines on a very large manifest. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryLines } from '../../../src/manifest/summary.js';
import type { Manifest } from '../../../src/manifest/types.js';

test('when a manifest has 200,000 services then the summary table is built (no stack overflow)', () => {
  const service = { name: 's', namespace: 'default', serviceAccount: 's', usage: 'both', keyType: 'ecdsa-p256', ttl: 86_400_000, renewBefore: 3_600_000, dns: [], ip: [], uri: [], formats: ['pem'] };
  const services = Array.from({ length: 200_000 }, (_, i) => ({ ...service, name: `s${i}` }));
  const manifest = { trustDomain: 'cluster.local', caDir: '/m/pki', outDir: '/m/out', services } as unknown as Manifest;
  const lines = summaryLines(manifest, 'm.yaml', '/m');
  assert.equal(lines.length, 3 + 200_000);
  assert.match(lines[lines.length - 1]!, /^s199999 +default/);
});
