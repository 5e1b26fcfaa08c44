import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  decryptRecord,
  deriveTrafficKeys,
  hkdfExpandLabel,
  TLS13_SUITES,
  updateTrafficKeys,
} from '../../../src/probe/tls13-keys.js';
import { seal } from './tls13-records.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const SHA256_SUITE = TLS13_SUITES[0x1301]!;

// RFC 8448 section 3 (Simple 1-RTT Handshake), TLS_AES_128_GCM_SHA256.
const RFC8448 = {
  earlySecret: hex('33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a'),
  derivedFromEarly: hex('6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba'),
  handshakeSecret: hex('1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac'),
  helloHash: hex('860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8'),
  clientHandshake: hex('b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21'),
  serverHandshake: hex('b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38'),
  serverHandshakeKey: hex('3fce516009c21727d0f2e4e86ee403bc'),
  serverHandshakeIv: hex('5d313eb2671276ee13000b30'),
  clientHandshakeIv: hex('5bd3c71b836e0b76bb73265f'),
  serverFinishedKey: hex('008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8'),
  serverApplication: hex('a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643'),
  serverApplicationKey: hex('9f02283b6c9c07efc26bb9f2ac92e356'),
  serverApplicationIv: hex('cf782b88dd83549aadf1e984'),
};

test('when expanding "derived" with the empty-transcript hash then it matches RFC 8448', () => {
  const emptyHash = createHash('sha256').digest();
  assert.deepEqual(
    hkdfExpandLabel('sha256', RFC8448.earlySecret, 'derived', emptyHash, 32),
    RFC8448.derivedFromEarly,
  );
});

test('when deriving the handshake traffic secrets then they match RFC 8448', () => {
  const { handshakeSecret, helloHash } = RFC8448;
  assert.deepEqual(
    hkdfExpandLabel('sha256', handshakeSecret, 'c hs traffic', helloHash, 32),
    RFC8448.clientHandshake,
  );
  assert.deepEqual(
    hkdfExpandLabel('sha256', handshakeSecret, 's hs traffic', helloHash, 32),
    RFC8448.serverHandshake,
  );
});

test('when expanding the finished key then it matches RFC 8448', () => {
  assert.deepEqual(
    hkdfExpandLabel('sha256', RFC8448.serverHandshake, 'finished', Buffer.alloc(0), 32),
    RFC8448.serverFinishedKey,
  );
});

test('when deriving traffic keys from RFC 8448 secrets then key and IV match', () => {
  const server = deriveTrafficKeys(SHA256_SUITE, RFC8448.serverHandshake);
  assert.deepEqual(server.key, RFC8448.serverHandshakeKey);
  assert.deepEqual(server.iv, RFC8448.serverHandshakeIv);
  assert.deepEqual(
    deriveTrafficKeys(SHA256_SUITE, RFC8448.clientHandshake).iv,
    RFC8448.clientHandshakeIv,
  );
  const application = deriveTrafficKeys(SHA256_SUITE, RFC8448.serverApplication);
  assert.deepEqual(application.key, RFC8448.serverApplicationKey);
  assert.deepEqual(application.iv, RFC8448.serverApplicationIv);
  assert.equal(application.sequence, 0n);
});

for (const [number, suite] of Object.entries(TLS13_SUITES)) {
  test(`when records of ${suite.name} (0x${Number(number).toString(16)}) are decrypted in order then type and content come back`, () => {
    const secret = randomBytes(suite.hashLength);
    const writer = deriveTrafficKeys(suite, secret);
    const reader = deriveTrafficKeys(suite, secret);
    const first = seal(writer, 0n, 22, Buffer.from('handshake bytes'));
    const second = seal(writer, 1n, 21, Buffer.of(2, 48), 7);
    const a = decryptRecord(reader, first.subarray(0, 5), first.subarray(5));
    const b = decryptRecord(reader, second.subarray(0, 5), second.subarray(5));
    assert.deepEqual([a.type, a.content.toString()], [22, 'handshake bytes']);
    assert.deepEqual([b.type, [...b.content]], [21, [2, 48]]);
    assert.equal(reader.sequence, 2n);
  });
}

test('when a record is decrypted with the wrong sequence number then decryption fails', () => {
  const keys = deriveTrafficKeys(SHA256_SUITE, randomBytes(32));
  const record = seal(keys, 1n, 23, Buffer.from('data'));
  const reader = deriveTrafficKeys(SHA256_SUITE, keys.secret);
  assert.throws(() => decryptRecord(reader, record.subarray(0, 5), record.subarray(5)));
});

test('when keys are updated then both sides derive the same next generation', () => {
  const keys = deriveTrafficKeys(SHA256_SUITE, RFC8448.serverApplication);
  const next = updateTrafficKeys(keys);
  const expected = hkdfExpandLabel(
    'sha256',
    RFC8448.serverApplication,
    'traffic upd',
    Buffer.alloc(0),
    32,
  );
  assert.deepEqual(next.secret, expected);
  assert.notDeepEqual(next.key, keys.key);
  assert.equal(next.sequence, 0n);
});
