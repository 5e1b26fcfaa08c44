import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeClient } from '../../../src/probe/judge-client.js';
import { checkChain } from '../../../src/probe/chain-check.js';
import { formatName } from '../../../src/probe/tls-names.js';
import { encodeName } from '../../../src/pki/name.js';
import { makeTestCa, makeTestLeaf, type TestCa, type TestLeaf } from '../../helpers/mini-ca.js';
import { OID } from '../../../src/pki/oids.js';

const DAY = 86_400_000;
const now = new Date();

describe('judgeClient and checkChain', () => {
  let ca: TestCa;
  let other: TestCa;
  let good: TestLeaf;
  before(async () => {
    [ca, other] = await Promise.all([makeTestCa(), makeTestCa({ name: 'Other CA' })]);
    good = await makeTestLeaf(ca, { commonName: 'frontend' });
  });
  const chain = (leaf: TestLeaf, from: TestCa = ca) => [leaf.der, from.intermediate!.der];

  test('when a client chains to the trust bundle then it is accepted', () => {
    const j = judgeClient(chain(good), undefined, [ca.root.der], now);
    assert.deepEqual([j.accepted, j.code], [true, 'ok']);
  });
  test('when a client sends nothing then the code is client-cert-required', () => {
    assert.equal(judgeClient([], undefined, [ca.root.der], now).code, 'client-cert-required');
  });
  test('when a client comes from another CA then the code is client-cert-unknown-ca naming its root', async () => {
    const j = judgeClient(chain(await makeTestLeaf(other), other), 'UNABLE_TO_GET_ISSUER_CERT', [ca.root.der], now);
    assert.equal(j.code, 'client-cert-unknown-ca');
    assert.match(j.reason, /CN=Other CA/);
  });
  test('when a client sends its leaf alone then the intermediate is named as missing', () => {
    const j = judgeClient([good.der], 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', [ca.root.der], now);
    assert.equal(j.code, 'client-cert-unknown-ca');
    assert.match(j.reason, /only its leaf/);
  });
  test('when a client certificate has expired then the code is client-cert-expired', async () => {
    const old = await makeTestLeaf(ca, { notBefore: new Date(now.getTime() - 9 * DAY), notAfter: new Date(now.getTime() - DAY) });
    assert.equal(judgeClient(chain(old), 'CERT_HAS_EXPIRED', [ca.root.der], now).code, 'client-cert-expired');
  });
  test('when a client certificate lacks clientAuth then the code is client-cert-wrong-purpose', async () => {
    const srv = await makeTestLeaf(ca, { extKeyUsages: [OID.serverAuth] });
    assert.equal(judgeClient(chain(srv), 'INVALID_PURPOSE', [ca.root.der], now).code, 'client-cert-wrong-purpose');
  });
  test('when the chain is sound then checkChain returns the path up to the anchor', () => {
    const c = checkChain(chain(good), [ca.root.der], now);
    assert.equal(c.trusted, true);
    assert.deepEqual(c.path, ['CN=frontend', 'CN=Test Root CA Intermediate', 'CN=Test Root CA']);
  });
  test('when a name has several attributes then formatName keeps their encoded order', () => {
    assert.equal(formatName(encodeName({ country: 'DE', organization: 'Acme', commonName: 'Acme Root' })), 'C=DE, O=Acme, CN=Acme Root');
  });
});
