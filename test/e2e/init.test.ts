import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, stat, writeFile, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir } from '../helpers/tmp.js';
import { KEY_TYPES } from '../../src/pki/key-types.js';

const EXPECTED_SIG: Record<string, string> = {
  'ecdsa-p256': 'ecdsa-with-SHA256',
  'ecdsa-p384': 'ecdsa-with-SHA384',
  'rsa-2048': 'sha256WithRSAEncryption',
  'rsa-3072': 'sha256WithRSAEncryption',
  'rsa-4096': 'sha256WithRSAEncryption',
  ed25519: 'ED25519',
};

describe('mtlsctl init', () => {
  for (const keyType of KEY_TYPES) {
    test(`when the key type is ${keyType} then openssl verifies the chain strictly and shows the CA extensions`, async (t) => {
      const dir = await tempDir(t);
      const r = await mtlsctl(['init', '--key-type', keyType, '--name', 'Acme Root CA'], { cwd: dir });
      assert.equal(r.exitCode, 0, r.stderr);
      const pki = join(dir, 'pki');
      const verify = await openssl(['verify', '-x509_strict', '-CAfile', join(pki, 'root-ca.crt'), join(pki, 'intermediate-ca.crt')]);
      assert.equal(verify.exitCode, 0, verify.stdout + verify.stderr);

      const root = (await openssl(['x509', '-in', join(pki, 'root-ca.crt'), '-noout', '-text'])).stdout;
      assert.match(root, /Basic Constraints: critical\s+CA:TRUE\n/);
      assert.match(root, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
      assert.match(root, /Subject Key Identifier/);
      assert.match(root, /Subject: CN = Acme Root CA/);
      assert.match(root, new RegExp(`Signature Algorithm: ${EXPECTED_SIG[keyType]}`));

      const inter = (await openssl(['x509', '-in', join(pki, 'intermediate-ca.crt'), '-noout', '-text'])).stdout;
      assert.match(inter, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      assert.match(inter, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
      assert.match(inter, /Authority Key Identifier/);
      assert.match(inter, /Subject Key Identifier/);
      assert.match(inter, /Issuer: CN = Acme Root CA/);

      const serial = /Serial Number:\s*\n?\s*([0-9a-f:]+)/.exec(inter)![1]!.replace(/:/g, '');
      assert.ok(serial.length >= 16 && serial.length <= 40, `serial ${serial} has 8 to 20 octets`);
      assert.ok(parseInt(serial[0]!, 16) < 8, 'serial is positive');

      for (const key of ['root-ca.key', 'intermediate-ca.key']) {
        assert.equal((await stat(join(pki, key))).mode & 0o777, 0o600);
        const pkcs8 = await readFile(join(pki, key), 'utf8');
        assert.match(pkcs8, /^-----BEGIN PRIVATE\sKEY-----/); // unencrypted PKCS#8
      }
      assert.equal(await readFile(join(pki, 'trust-bundle.crt'), 'utf8'), await readFile(join(pki, 'root-ca.crt'), 'utf8'));
    });
  }

  test('when name constraints are given then the intermediate carries them and openssl still verifies', async (t) => {
    const dir = await tempDir(t);
    const r = await mtlsctl(['init', '--permit-dns', '.svc.cluster.local', '--permit-uri', 'spiffe://cluster.local'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    const inter = (await openssl(['x509', '-in', join(dir, 'pki/intermediate-ca.crt'), '-noout', '-text'])).stdout;
    assert.match(inter, /Name Constraints: critical\s+Permitted:\s+DNS:\.svc\.cluster\.local\s+URI:cluster\.local/);
    const verify = await openssl(['verify', '-x509_strict', '-CAfile', join(dir, 'pki/root-ca.crt'), join(dir, 'pki/intermediate-ca.crt')]);
    assert.equal(verify.exitCode, 0, verify.stderr);
  });

  test('when a passphrase is given then the keys open with it and not without it', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'pass'), 'correct horse battery\n', { mode: 0o600 });
    const r = await mtlsctl(['init', '--passphrase-file', 'pass'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    const key = join(dir, 'pki/intermediate-ca.key');
    assert.match(await readFile(key, 'utf8'), /^-----BEGIN ENCRYPTED\sPRIVATE\sKEY-----/);
    const ok = await openssl(['pkey', '-in', key, '-passin', 'pass:correct horse battery', '-noout']);
    assert.equal(ok.exitCode, 0, ok.stderr);
    const wrong = await openssl(['pkey', '-in', key, '-passin', 'pass:wrong', '-noout']);
    assert.notEqual(wrong.exitCode, 0);
    const none = await openssl(['pkey', '-in', key, '-passin', 'pass:', '-noout']);
    assert.notEqual(none.exitCode, 0);
  });

  test('when the environment holds the passphrase then the keys are encrypted with it', async (t) => {
    const dir = await tempDir(t);
    const r = await mtlsctl(['init', '--json'], { cwd: dir, env: { MTLSCTL_CA_PASSPHRASE: 'from-env-123' } });
    assert.equal(r.exitCode, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.encrypted, true);
    const ok = await openssl(['pkey', '-in', join(dir, 'pki/root-ca.key'), '-passin', 'pass:from-env-123', '-noout']);
    assert.equal(ok.exitCode, 0, ok.stderr);
  });

  test('when init runs twice without --force then the first CA is untouched and the exit is 4', async (t) => {
    const dir = await tempDir(t);
    assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
    const pki = join(dir, 'pki');
    const before = await snapshot(pki);
    const again = await mtlsctl(['init', '--key-type', 'rsa-2048'], { cwd: dir });
    assert.equal(again.exitCode, 4);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /^error: a CA already exists in .*pki .*nothing was changed \[REFUSE_OVERWRITE\]\nhint: .*--force/m);
    assert.deepEqual(await snapshot(pki), before);

    const forced = await mtlsctl(['init', '--force'], { cwd: dir });
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.notDeepEqual(await snapshot(pki), before);
  });

  test('when --no-intermediate is given then only the root exists and issues', async (t) => {
    const dir = await tempDir(t);
    const r = await mtlsctl(['init', '--no-intermediate', '--json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).issuer, 'root');
    assert.deepEqual((await readdir(join(dir, 'pki'))).sort(), ['ca.json', 'root-ca.crt', 'root-ca.key', 'trust-bundle.crt']);
  });

  const BAD_INPUT: Array<[string, string[], number, RegExp]> = [
    ['an unknown key type', ['--key-type', 'dsa-1024'], 2, /argument 'dsa-1024' is invalid. Allowed choices are ecdsa-p256/],
    ['a malformed duration', ['--root-ttl', '10 years'], 2, /--root-ttl "10 years" is not a duration \[USAGE_INVALID_VALUE\]\nhint: .*90d/],
    ['an intermediate TTL longer than the root', ['--root-ttl', '1y', '--intermediate-ttl', '2y'], 2, /intermediate-ttl is longer than --root-ttl.*\nhint: shorten/],
    ['a missing passphrase file', ['--passphrase-file', 'nope.txt'], 3, /cannot read passphrase file nope.txt: no such file \[FILE_NOT_FOUND\]\nhint:/],
    ['a bad trust domain', ['--trust-domain', 'Cluster Local'], 2, /--trust-domain "Cluster Local" is not a SPIFFE trust domain/],
    ['a bad name constraint', ['--permit-dns', 'not a domain'], 2, /--permit-dns "not a domain" is not a DNS name/],
  ];
  for (const [what, args, exit, message] of BAD_INPUT) {
    test(`when given ${what} then it exits ${exit} with a one-line error and writes nothing`, async (t) => {
      const dir = await tempDir(t);
      const r = await mtlsctl(['init', ...args], { cwd: dir });
      assert.equal(r.exitCode, exit, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
      assert.deepEqual(await readdir(dir), []);
    });
  }

  test('when the directory is not writable then it names the path and exits 4', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'locked'));
    await writeFile(join(dir, 'locked', 'pki'), 'a file, not a directory');
    await chmod(join(dir, 'locked'), 0o500);
    const r = await mtlsctl(['init', '--dir', 'locked/pki/inner'], { cwd: dir });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /^error: failed to write .*locked\/pki\/inner\/.*: a parent is not a directory \[WRITE_FAILED\]\nhint: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir)) {
    const s = await stat(join(dir, name));
    out[name] = `${(await readFile(join(dir, name))).toString('base64')}|${s.mtimeMs}|${s.mode}`;
  }
  return out;
}
