/** loadIssuingCa and readCaMeta on damaged CA directories: CA_INVALID, never a TypeError. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCa } from '../../../src/ca/create-ca.js';
import { loadIssuingCa, readCaMeta } from '../../../src/ca/ca-dir.js';
import { MtlsError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';

async function freshCa(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = join(await tempDir(t), 'pki');
  await createCa({
    dir, name: 'Test CA', trustDomain: 'cluster.local', keyType: 'ecdsa-p256',
    rootTtl: 86_400_000 * 10, intermediateTtl: 86_400_000, intermediate: true,
    permitDns: [], permitUri: [], force: false, now: new Date(),
  });
  return dir;
}

function assertCaInvalid(error: unknown, message: RegExp): true {
  assert.ok(error instanceof MtlsError, `an MtlsError, got ${String(error)}`);
  assert.equal(error.code, 'CA_INVALID');
  assert.equal(error.exitCode, 4);
  assert.match(error.message, message);
  return true;
}

describe('readCaMeta on a damaged ca.json', () => {
  const cases: Array<[string, (meta: Record<string, unknown>) => unknown, RegExp]> = [
    ['it is null', () => null, /not a JSON object/],
    ['it is a list', () => [], /not a JSON object/],
    ['issuer is unknown', (m) => ({ ...m, issuer: 'sideways' }), /issuer is neither/],
    ['permitted is missing', (m) => ({ ...m, permitted: undefined }), /permitted\.dns and permitted\.uri/],
    ['permitted.dns holds a number', (m) => ({ ...m, permitted: { dns: [5], uri: [] } }), /permitted\.dns/],
    ['encrypted is a string', (m) => ({ ...m, encrypted: 'yes' }), /encrypted is not true or false/],
  ];
  for (const [what, edit, message] of cases) {
    test(`when ${what} then it is CA_INVALID naming the fault`, async (t) => {
      const dir = await freshCa(t);
      const path = join(dir, 'ca.json');
      const meta = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      await writeFile(path, JSON.stringify(edit(meta)));
      await assert.rejects(readCaMeta(dir), (e) => assertCaInvalid(e, message));
    });
  }
});

describe('loadIssuingCa on a damaged certificate', () => {
  test('when the intermediate PEM body was edited then it is CA_INVALID, not a RangeError', async (t) => {
    const dir = await freshCa(t);
    const path = join(dir, 'intermediate-ca.crt');
    const pem = await readFile(path, 'utf8');
    await writeFile(path, pem.replace(/^MII/m, 'MIJ'));
    await assert.rejects(loadIssuingCa(dir), (e) => assertCaInvalid(e, /intermediate-ca\.crt holds a damaged certificate/));
  });

  test('when nothing is damaged then the intermediate loads (the checks accept what init writes)', async (t) => {
    const ca = await loadIssuingCa(await freshCa(t));
    assert.equal(ca.meta.issuer, 'intermediate');
  });
});
