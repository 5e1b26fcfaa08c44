import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { KEY_TYPES } from '../../../src/pki/key-types.js';
import { generateKey } from '../../../src/pki/keys.js';
import { publicSideOfPkcs8 } from '../../../src/pki/pkcs8-public.js';

for (const type of KEY_TYPES) {
  test(`when a ${type} PKCS#8 key is read then its SPKI and type equal node's own`, async () => {
    const { privateKey } = await generateKey(type);
    const side = publicSideOfPkcs8(privateKey.export({ type: 'pkcs8', format: 'der' }));
    assert.deepEqual(side.spki, createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
    assert.equal(side.type, type);
  });
}

test('when the DER is not a key then it throws', () => {
  assert.throws(() => publicSideOfPkcs8(Buffer.from('3003020100', 'hex')));
});
