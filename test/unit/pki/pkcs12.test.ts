import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildPkcs12 } from '../../../src/pki/pkcs12.js';
import { pkcs12Kdf } from '../../../src/pki/pkcs12-kdf.js';
import { openssl } from '../../helpers/openssl.js';
import { makeTestCa, makeTestLeaf } from '../../helpers/mini-ca.js';
import { tempDir } from '../../helpers/tmp.js';

// ASCII: Java refuses non-ASCII PKCS#12 passwords ("Password is not ASCII").
const PASSWORD = 'p12-test-password';

describe('PKCS#12', () => {
  test('when the KDF derives more than one hash block then the blocks differ and the length is exact', () => {
    const out = pkcs12Kdf('sha1', 'pw', Buffer.alloc(8, 1), 3, 1, 24);
    assert.equal(out.length, 24);
    assert.notDeepEqual(out.subarray(0, 4), out.subarray(20, 24));
    assert.notDeepEqual(pkcs12Kdf('sha1', 'pw', Buffer.alloc(8, 1), 3, 2, 8), out.subarray(0, 8));
  });

  for (const keyType of ['ecdsa-p256', 'rsa-2048'] as const) {
    for (const legacy of [false, true]) {
      const profile = legacy ? 'legacy 3DES/SHA-1' : 'PBES2 AES-256/SHA-256';
      test(`when a ${keyType} file is written with ${profile} then openssl and keytool open it`, async (t) => {
        const dir = await tempDir(t);
        const ca = await makeTestCa({ keyType });
        const leaf = await makeTestLeaf(ca, { keyType });
        const file = join(dir, 'svc.p12');
        await writeFile(file, buildPkcs12({ key: leaf.key, certs: [leaf.der, ca.intermediate!.der], password: PASSWORD, friendlyName: 'svc', legacy }));

        const info = await openssl(['pkcs12', '-info', '-nokeys', '-in', file, '-passin', `pass:${PASSWORD}`]);
        assert.equal(info.exitCode, 0, info.stderr);
        assert.match(info.stderr + info.stdout, legacy ? /MAC: sha1/ : /MAC: sha256/);
        assert.match(info.stderr + info.stdout, legacy ? /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/ : /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
        assert.match(info.stdout, /friendlyName: svc/);
        assert.equal((info.stdout.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
        const key = await openssl(['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes']);
        assert.equal(key.exitCode, 0, key.stderr);
        const wrong = await openssl(['pkcs12', '-info', '-nokeys', '-in', file, '-passin', 'pass:wrong']);
        assert.notEqual(wrong.exitCode, 0);

        const keytool = await execa('keytool', ['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', PASSWORD], { reject: false, timeout: 60_000 });
        assert.equal(keytool.exitCode, 0, keytool.stdout + keytool.stderr);
        assert.match(keytool.stdout, /Alias name: svc/);
        assert.match(keytool.stdout, /Entry type: PrivateKeyEntry/);
        assert.match(keytool.stdout, /Certificate chain length: 2/);
      });
    }
  }
});
