import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCertificate } from '../../../src/inspect/describe.js';
import { certificateFindings, expiryWarningMs, type LintOptions } from '../../../src/inspect/lint.js';
import { makeTestCa, makeTestLeaf, type TestCa } from '../../helpers/mini-ca.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** The codes certificateFindings gives a leaf valid from notBefore to notAfter, judged at `at`. */
async function codes(ca: TestCa, notBefore: Date, notAfter: Date, at: Date, extra: Partial<LintOptions> = {}): Promise<string[]> {
  const leaf = await makeTestLeaf(ca, { notBefore, notAfter });
  const info = describeCertificate(leaf.der, 'leaf.pem');
  return certificateFindings(info, { at, warnWithinMs: 30 * DAY, maxValidityMs: 398 * DAY, anchorsGiven: false, ...extra }).map((f) => f.code);
}

describe('CERT_EXPIRING_SOON and VALIDITY_TOO_LONG thresholds', () => {
  let ca: TestCa;
  const now = new Date('2026-12-03T12:00:00Z');
  before(async () => {
    ca = await makeTestCa({ now: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 3650 * DAY) });
  });

  test('when the lifetime is short then the warning window is its last third, else --warn-within', () => {
    assert.equal(expiryWarningMs(30 * DAY, 30 * DAY), 10 * DAY);
    assert.equal(expiryWarningMs(90 * DAY, 30 * DAY), 30 * DAY);
    assert.equal(expiryWarningMs(398 * DAY, 7 * DAY), 7 * DAY);
  });

  test('when a 30-day certificate was just issued then CERT_EXPIRING_SOON does not fire', async () => {
    const issued = new Date(now.getTime() - 5 * MINUTE);
    assert.ok(!(await codes(ca, issued, new Date(now.getTime() + 30 * DAY), now)).includes('CERT_EXPIRING_SOON'));
  });

  test('when a 30-day certificate is in its last third then CERT_EXPIRING_SOON fires', async () => {
    const issued = new Date(now.getTime() - 21 * DAY);
    assert.ok((await codes(ca, issued, new Date(now.getTime() + 9 * DAY), now)).includes('CERT_EXPIRING_SOON'));
  });

  test('when a 30-day certificate has 11 days left then it is not yet in its last third', async () => {
    const issued = new Date(now.getTime() - 19 * DAY);
    assert.ok(!(await codes(ca, issued, new Date(now.getTime() + 11 * DAY), now)).includes('CERT_EXPIRING_SOON'));
  });

  test('when a 365-day certificate has 20 days left then --warn-within (30d) decides and it fires', async () => {
    const issued = new Date(now.getTime() - 345 * DAY);
    assert.ok((await codes(ca, issued, new Date(now.getTime() + 20 * DAY), now)).includes('CERT_EXPIRING_SOON'));
  });

  test('when a 398-day leaf is backdated 5 minutes then VALIDITY_TOO_LONG does not fire', async () => {
    const notBefore = new Date(now.getTime() - 5 * MINUTE);
    assert.ok(!(await codes(ca, notBefore, new Date(now.getTime() + 398 * DAY), now)).includes('VALIDITY_TOO_LONG'));
  });

  test('when a leaf outlives --max-validity by more than an hour then VALIDITY_TOO_LONG fires', async () => {
    const notBefore = new Date(now.getTime() - 2 * 3_600_000);
    assert.ok((await codes(ca, notBefore, new Date(now.getTime() + 398 * DAY), now)).includes('VALIDITY_TOO_LONG'));
  });
});
