/** loadPrivateKey on an encrypted key crafted to demand billions of PBKDF2 rounds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readChildren, readElement } from '../../../src/pki/der-reader.js';
import { integer, sequence } from '../../../src/pki/der.js';
import { exportPrivateKey, generateKey, loadPrivateKey } from '../../../src/pki/keys.js';
import { parsePem, toPem } from '../../../src/pki/pem.js';
import { MtlsError } from '../../../src/errors.js';

/** The same encrypted key with PBKDF2's iterationCount replaced. */
function withIterations(pem: string, count: number): string {
  const der = parsePem(pem)[0]!.der;
  const [algorithm, data] = readChildren(readElement(der));
  const [pbes2Oid, params] = readChildren(algorithm!);
  const [kdf, scheme] = readChildren(params!);
  const [kdfOid, kdfParams] = readChildren(kdf!);
  const [salt, , ...rest] = readChildren(kdfParams!);
  const newKdf = sequence(kdfOid!.raw, sequence(salt!.raw, integer(count), ...rest.map((e) => e.raw)));
  return toPem('ENCRYPTED PRIVATE KEY', sequence(sequence(pbes2Oid!.raw, sequence(newKdf, scheme!.raw)), data!.raw));
}

test('when an encrypted key asks for 2^31 PBKDF2 rounds then it is refused before decrypting', async () => {
  const { privateKey } = await generateKey('ecdsa-p256');
  const crafted = withIterations(exportPrivateKey(privateKey, 'pw'), 0x7fffffff);
  assert.throws(() => loadPrivateKey(crafted, 'ca.key', 'pw'), (e) => e instanceof MtlsError && e.code === 'INPUT_TOO_LARGE' && /2147483647 PBKDF2 rounds/.test(e.message));
});

test('when an encrypted key uses the usual count then it opens, and a re-encoded count is read (wrong key, not refused)', async () => {
  const { privateKey } = await generateKey('ecdsa-p256');
  const usual = exportPrivateKey(privateKey, 'pw');
  assert.equal(loadPrivateKey(usual, 'ca.key', 'pw').asymmetricKeyType, 'ec');
  // A count under the limit is decrypted as usual; here it derives another key, so the passphrase "fails".
  assert.throws(() => loadPrivateKey(withIterations(usual, 4096), 'ca.key', 'pw'), (e) => e instanceof MtlsError && e.code === 'PASSPHRASE_WRONG');
});
