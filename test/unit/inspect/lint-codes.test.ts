import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect, type InspectRequest } from '../../../src/inspect/inspect.js';
import { LINT_CODES, type FindingCode } from '../../../src/inspect/lint-codes.js';
import { OpensslPki, caExt, leafExt, type SslCert } from '../../helpers/openssl-pki.js';

const DAY = 86_400_000;

function request(dir: string, inputs: string[], extra: Partial<InspectRequest> = {}): InspectRequest {
  return {
    inputs, cwd: dir, stdin: Readable.from([]), env: {},
    checks: { at: new Date(), ...(extra.checks ?? {}) },
    warnWithinMs: 30 * DAY, maxValidityMs: 398 * DAY, timeoutMs: 5000,
    ...extra,
  };
}

describe('inspect lint codes on chains built with openssl', () => {
  let pki: OpensslPki;
  let root: SslCert;
  let inter: SslCert;
  let leaf: SslCert;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtlsctl-lint-'));
    pki = new OpensslPki(dir);
    root = await pki.root('root');
    inter = await pki.issue('inter', root, { ext: caExt('basicConstraints=critical,CA:TRUE,pathlen:0') });
    leaf = await pki.issue('leaf', inter);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const codesOf = async (inputs: string[], extra: Partial<InspectRequest> = {}) =>
    (await inspect(request(dir, inputs, extra))).findings.map((f) => f.code);

  test('when the chain is healthy and trusted then there is no finding at all', async () => {
    const chain = await pki.bundle('good.pem', [leaf, inter]);
    const report = await inspect(request(dir, [chain], { ca: root.crt, checks: { at: new Date(), purpose: 'server', name: 'leaf.test' } }));
    assert.deepEqual(report.findings, []);
    assert.equal(report.verification.trusted, true);
    assert.deepEqual(report.path.path.map((c) => c.subject), ['CN=leaf', 'CN=inter', 'CN=root']);
  });

  const cases: Array<[FindingCode, () => Promise<FindingCode[]>]> = [
    ['CERT_EXPIRED', async () => {
      const old = await pki.issue('expired', inter, { startDate: '20200101000000Z', endDate: '20200201000000Z' });
      return codesOf([await pki.bundle('expired.pem', [old, inter])]);
    }],
    ['CERT_NOT_YET_VALID', async () => {
      const future = await pki.issue('future', inter, { startDate: '20990101000000Z', endDate: '20991231000000Z' });
      return codesOf([await pki.bundle('future.pem', [future, inter])]);
    }],
    ['CERT_EXPIRING_SOON', async () => codesOf([(await pki.issue('soon', inter, { days: 10 })).crt], { checks: { at: new Date(Date.now() + 8 * DAY) } })],
    ['VALIDITY_TOO_LONG', async () => codesOf([(await pki.issue('long', inter, { days: 825 })).crt])],
    ['CHAIN_OUT_OF_ORDER', async () => codesOf([await pki.bundle('reversed.pem', [inter, leaf])])],
    ['CHAIN_MISSING_INTERMEDIATE', async () => codesOf([await pki.bundle('gap.pem', [leaf, root])])],
    ['CHAIN_ISSUER_NOT_IN_INPUT', async () => codesOf([leaf.crt])],
    ['CHAIN_UNTRUSTED', async () => {
      const other = await pki.root('other-root');
      return codesOf([await pki.bundle('untrusted.pem', [leaf, inter])], { ca: other.crt });
    }],
    ['CHAIN_ROOT_INCLUDED', async () => codesOf([await pki.bundle('with-root.pem', [leaf, inter, root])])],
    ['CHAIN_DUPLICATE_CERT', async () => codesOf([await pki.bundle('dup.pem', [leaf, inter, inter])])],
    ['CHAIN_UNRELATED_CERT', async () => {
      const stranger = await pki.root('stranger', { ext: caExt().filter((e) => !e.startsWith('authority')) });
      const strangerLeaf = await pki.issue('stranger-leaf', stranger);
      return codesOf([await pki.bundle('stray.pem', [leaf, inter, strangerLeaf])]);
    }],
    ['SIGNATURE_INVALID', async () => {
      const impostor = await pki.root('impostor', { subject: '/CN=root' });
      return codesOf([await pki.bundle('forged.pem', [leaf, inter])], { ca: impostor.crt });
    }],
    ['KEY_MISMATCH', async () => codesOf([leaf.crt], { keyFile: inter.key })],
    ['KEY_WEAK', async () => codesOf([(await pki.issue('weak', inter, { key: 'rsa:1024' })).crt])],
    ['SIGNATURE_WEAK_HASH', async () => codesOf([(await pki.issue('sha1', inter, { md: 'sha1' })).crt])],
    ['ROOT_SIGNATURE_WEAK_HASH', async () => codesOf([(await pki.root('sha1-root', { md: 'sha1' })).crt])],
    ['SAN_MISSING', async () => codesOf([(await pki.issue('cn-only', inter, { ext: ['basicConstraints=critical,CA:FALSE'] })).crt])],
    ['CA_NOT_CA', async () => {
      const notCa = await pki.issue('not-ca', root, { ext: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,keyCertSign'] });
      return codesOf([await pki.bundle('not-ca.pem', [await pki.issue('under-not-ca', notCa), notCa])]);
    }],
    ['CA_MISSING_KEY_CERT_SIGN', async () => {
      const noSign = await pki.issue('no-sign', root, { ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature'] });
      return codesOf([await pki.bundle('no-sign.pem', [await pki.issue('under-no-sign', noSign), noSign])]);
    }],
    ['EKU_MISSING_PURPOSE', async () => {
      const client = await pki.issue('client-only', inter, { ext: [...leafExt('client.test').filter((e) => !e.startsWith('extended')), 'extendedKeyUsage=clientAuth'] });
      return codesOf([client.crt], { checks: { at: new Date(), purpose: 'server' } });
    }],
    ['PATH_LENGTH_EXCEEDED', async () => {
      const deeper = await pki.issue('deeper', inter, { ext: caExt() });
      return codesOf([await pki.bundle('deep.pem', [await pki.issue('deep-leaf', deeper), deeper, inter])]);
    }],
    ['NAME_CONSTRAINT_VIOLATED', async () => {
      const nc = await pki.issue('nc', root, { ext: caExt('nameConstraints=critical,permitted;DNS:.good.test') });
      const evil = await pki.issue('evil', nc, { ext: leafExt('evil.test') });
      return codesOf([await pki.bundle('nc.pem', [evil, nc])]);
    }],
    ['AKI_NO_MATCHING_ISSUER', async () => {
      const twin = await pki.issue('inter-twin', root, { reuseKey: 'inter', subject: '/CN=inter', ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign', 'subjectKeyIdentifier=0102030405060708090a0b0c0d0e0f1011121314'] });
      return codesOf([await pki.bundle('aki.pem', [leaf, twin])]);
    }],
    ['SERIAL_NEGATIVE', async () => codesOf([(await pki.issue('neg', inter, { serial: '-5' })).crt])],
    ['SERIAL_TOO_LONG', async () => codesOf([(await pki.issue('huge-serial', inter, { serial: '0x0102030405060708090a0b0c0d0e0f101112131415' })).crt])],
    ['NAME_MISMATCH', async () => codesOf([leaf.crt], { checks: { at: new Date(), name: 'other.test' } })],
  ];

  test('when the catalogue is read then every code has a test case below', () => {
    assert.deepEqual(cases.map(([c]) => c).sort(), Object.keys(LINT_CODES).sort());
  });

  test('when the input holds a same-name impostor of the issuer then SIGNATURE_INVALID without --ca, and it is not called unrelated', async () => {
    const impostor = await pki.issue('inter-impostor', root, { subject: '/CN=inter', ext: caExt() });
    const codes = await codesOf([await pki.bundle('impostor.pem', [leaf, impostor])]);
    assert.ok(codes.includes('SIGNATURE_INVALID'), codes.join(', '));
    assert.ok(!codes.includes('CHAIN_UNRELATED_CERT'), codes.join(', '));
  });

  test('when a leaf and its root come without the intermediate then the root is not also called unrelated', async () => {
    const codes = await codesOf([await pki.bundle('gap2.pem', [leaf, root])]);
    assert.deepEqual(codes.filter((c) => c.startsWith('CHAIN_')), ['CHAIN_MISSING_INTERMEDIATE']);
  });

  for (const [code, run] of cases) {
    test(`when a chain has the defect ${code} then inspect reports ${code} (${LINT_CODES[code].severity})`, async () => {
      const codes = await run();
      assert.ok(codes.includes(code), `expected ${code}, got ${codes.join(', ') || 'nothing'}`);
    });
  }
});
