import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { OpensslPki, caExt, leafExt, type SslCert } from '../helpers/openssl-pki.js';

/** A chain as presented (leaf first) and the root it should lead to. */
interface Case {
  name: string;
  chain: SslCert[];
  trust: SslCert;
  /** Extra arguments for both tools (purpose). */
  purpose?: 'server' | 'client';
  /** The leaf, when it is not first in the chain. */
  leaf?: SslCert;
  /** A lint error openssl does not judge: the path verifies, yet inspect exits 1. */
  lintError?: string;
}

describe('mtlsctl inspect --ca agrees with openssl verify', () => {
  let dir: string;
  const cases: Case[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtlsctl-agree-'));
    const pki = new OpensslPki(dir);
    const root = await pki.root('root');
    const inter = await pki.issue('inter', root, { ext: caExt('basicConstraints=critical,CA:TRUE,pathlen:0'), days: 365 });
    const leaf = await pki.issue('leaf', inter);
    const other = await pki.root('other');
    const impostor = await pki.root('impostor', { subject: '/CN=root' });
    const expired = await pki.issue('expired', inter, { startDate: '20200101000000Z', endDate: '20200201000000Z' });
    const future = await pki.issue('future', inter, { startDate: '20990101000000Z', endDate: '20991231000000Z' });
    const notCa = await pki.issue('not-ca', root, { ext: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,keyCertSign'] });
    const noSign = await pki.issue('no-sign', root, { ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature'] });
    const deeper = await pki.issue('deeper', inter, { ext: caExt() });
    const nc = await pki.issue('nc', root, { ext: caExt('nameConstraints=critical,permitted;DNS:.good.test') });
    const clientOnly = await pki.issue('client-only', inter, { ext: [...leafExt('c.test').filter((e) => !e.startsWith('extended')), 'extendedKeyUsage=clientAuth'] });
    const expiredInter = await pki.issue('expired-inter', root, { ext: caExt(), startDate: '20200101000000Z', endDate: '20200201000000Z' });
    const twin = await pki.issue('inter-twin', root, { reuseKey: 'inter', subject: '/CN=inter', ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign', 'subjectKeyIdentifier=0102030405060708090a0b0c0d0e0f1011121314'] });
    cases.push(
      { name: 'an issuer whose key identifier differs from the AKI', chain: [leaf, twin], trust: root },
      { name: 'a SHA-1 signed leaf', chain: [await pki.issue('sha1', inter, { md: 'sha1' }), inter], trust: root, lintError: 'SIGNATURE_WEAK_HASH' },
      { name: 'an RSA 1024 leaf', chain: [await pki.issue('weak', inter, { key: 'rsa:1024' }), inter], trust: root, lintError: 'KEY_WEAK' },
      { name: 'a leaf with a negative serial', chain: [await pki.issue('neg', inter, { serial: '-5' }), inter], trust: root, lintError: 'SERIAL_NEGATIVE' },
      { name: 'a leaf without subjectAltName', chain: [await pki.issue('no-san', inter, { ext: ['basicConstraints=critical,CA:FALSE'] }), inter], trust: root, lintError: 'SAN_MISSING' },
    );
    cases.push(
      { name: 'a good chain', chain: [leaf, inter], trust: root },
      { name: 'a good chain with the root sent along', chain: [leaf, inter, root], trust: root },
      { name: 'a chain in reverse order', chain: [inter, leaf], trust: root, leaf },
      { name: 'a chain from another root', chain: [leaf, inter], trust: other },
      { name: 'a leaf without its intermediate', chain: [leaf], trust: root },
      { name: 'a root impostor with the same name', chain: [leaf, inter], trust: impostor },
      { name: 'an expired leaf', chain: [expired, inter], trust: root },
      { name: 'a leaf not valid yet', chain: [future, inter], trust: root },
      { name: 'an expired intermediate', chain: [await pki.issue('under-expired', expiredInter), expiredInter], trust: root },
      { name: 'an issuer that is not a CA', chain: [await pki.issue('under-not-ca', notCa), notCa], trust: root },
      { name: 'a CA without keyCertSign', chain: [await pki.issue('under-no-sign', noSign), noSign], trust: root },
      { name: 'a path longer than pathlen allows', chain: [await pki.issue('deep', deeper), deeper, inter], trust: root },
      { name: 'a name outside the name constraints', chain: [await pki.issue('evil', nc, { ext: leafExt('evil.test') }), nc], trust: root },
      { name: 'a name inside the name constraints', chain: [await pki.issue('fine', nc, { ext: leafExt('svc.good.test') }), nc], trust: root },
      { name: 'a client-only leaf used as a server', chain: [clientOnly, inter], trust: root, purpose: 'server' },
      { name: 'a client-only leaf used as a client', chain: [clientOnly, inter], trust: root, purpose: 'client' },
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('when each chain of the table is verified by both tools then they agree on valid versus invalid', async () => {
    assert.ok(cases.length >= 21);
    let valid = 0;
    for (const [i, c] of cases.entries()) {
      const chainFile = join(dir, `case-${i}.pem`);
      await writeFile(chainFile, c.chain.map((x) => x.pem).join(''));
      const leaf = c.leaf ?? c.chain[0]!;
      const untrusted = c.chain.filter((x) => x !== leaf);
      const untrustedFile = join(dir, `case-${i}-untrusted.pem`);
      await writeFile(untrustedFile, untrusted.map((x) => x.pem).join(''));
      const purpose = c.purpose ? ['-purpose', c.purpose === 'server' ? 'sslserver' : 'sslclient'] : [];
      const ossl = await openssl(['verify', ...purpose, '-CAfile', c.trust.crt, ...(untrusted.length ? ['-untrusted', untrustedFile] : []), leaf.crt]);
      const ours = await mtlsctl(['inspect', chainFile, '--ca', c.trust.crt, '--json', ...(c.purpose ? ['--purpose', c.purpose] : [])], { cwd: dir });
      const trusted = JSON.parse(ours.stdout).verification.trusted as boolean;
      assert.equal(trusted, ossl.exitCode === 0, `${c.name}: openssl says ${ossl.stdout.trim()} ${ossl.stderr.trim()}; mtlsctl: ${JSON.stringify(JSON.parse(ours.stdout).verification.failure)}`);
      if (c.lintError) {
        assert.equal(ours.exitCode, 1, c.name);
        assert.ok(JSON.parse(ours.stdout).findings.some((f: { code: string }) => f.code === c.lintError), c.name);
      } else {
        assert.equal(ours.exitCode === 0, ossl.exitCode === 0, `${c.name}: exit ${ours.exitCode}`);
      }
      if (trusted) valid++;
    }
    assert.ok(valid >= 3 && valid <= cases.length - 10, `the table mixes valid (${valid}) and invalid chains`);
  });
});
