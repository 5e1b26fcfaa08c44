import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { leafTemplate, LEAF_BACKDATE_MS, type Issuer } from '../../../src/issue/leaf.js';

const DAY = 86_400_000;
const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
const issuer = (notAfter: Date): Issuer => ({
  subject: Buffer.from('3000', 'hex'), keyIdentifier: Buffer.alloc(20), notAfter,
  key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
});
const request = (issuedAt: Date, ttl: number) => ({
  commonName: 'api', altNames: { dns: ['api'] }, usage: 'both' as const,
  subjectPublicKeyInfo: spki, rsa: false, issuedAt, ttl,
});

describe('leafTemplate validity', () => {
  test('when ttl is 398d then notAfter - notBefore is exactly 398 days (the backdate counts)', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const t = leafTemplate(request(now, 398 * DAY), issuer(new Date('2030-01-01T00:00:00Z')));
    assert.equal(t.notBefore.getTime(), now.getTime() - LEAF_BACKDATE_MS);
    assert.equal(t.notAfter.getTime() - t.notBefore.getTime(), 398 * DAY);
  });

  test('when the issuer expires first then notAfter is the issuer notAfter', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const caEnd = new Date('2027-01-01T00:00:00Z');
    assert.equal(leafTemplate(request(now, 398 * DAY), issuer(caEnd)).notAfter.getTime(), caEnd.getTime());
  });
});

describe('leafTemplate backdate', () => {
  test('when ttl is shorter than ten backdates then the backdate is a tenth of it and the leaf is valid now', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const t = leafTemplate(request(now, 10_000), issuer(new Date('2030-01-01T00:00:00Z')));
    assert.equal(t.notBefore.getTime(), now.getTime() - 1000);
    assert.equal(t.notAfter.getTime(), now.getTime() + 9000);
  });
});
