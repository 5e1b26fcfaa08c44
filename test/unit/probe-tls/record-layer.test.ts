import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HandshakeAssembler,
  looksLikeTlsRecord,
  parseCertificateMessage,
  parseServerHello,
  RecordSplitter,
} from '../../../src/probe/record-layer.js';

import { message, record, serverHello, vec } from './tls13-records.js';

test('when records arrive cut at arbitrary points then the splitter returns each whole record once', () => {
  const stream = Buffer.concat([
    record(22, Buffer.from('abc')),
    record(21, Buffer.of(2, 40)),
    record(23, Buffer.alloc(300, 7)),
  ]);
  const splitter = new RecordSplitter();
  const seen = [];
  for (let i = 0; i < stream.length; i += 4) seen.push(...splitter.push(stream.subarray(i, i + 4)));
  assert.deepEqual(
    seen.map((r) => [r.type, r.fragment.length]),
    [
      [22, 3],
      [21, 2],
      [23, 300],
    ],
  );
  assert.deepEqual([...seen[1]!.header], [21, 3, 3, 0, 2]);
});

test('when one fragment holds two messages and a third spans fragments then the assembler returns three', () => {
  const long = message(13, Buffer.alloc(20_000, 1));
  const assembler = new HandshakeAssembler();
  const first = assembler.push(
    Buffer.concat([
      message(2, Buffer.from('hello')),
      message(8, Buffer.alloc(0)),
      long.subarray(0, 16_384),
    ]),
  );
  const rest = assembler.push(long.subarray(16_384));
  assert.deepEqual(
    first.map((m) => m.type),
    [2, 8],
  );
  assert.deepEqual(
    rest.map((m) => [m.type, m.body.length]),
    [[13, 20_000]],
  );
});

test('when the first bytes are a TLS record header or something else then looksLikeTlsRecord tells them apart', () => {
  assert.equal(looksLikeTlsRecord(Buffer.from('160303', 'hex')), true);
  assert.equal(looksLikeTlsRecord(Buffer.from('15030100', 'hex')), true);
  assert.equal(looksLikeTlsRecord(Buffer.from('HTTP/1.1 400 Bad Request')), false);
  assert.equal(looksLikeTlsRecord(Buffer.from('SSH-2.0-OpenSSH')), false);
  assert.equal(looksLikeTlsRecord(Buffer.from('160505', 'hex')), false);
});

test('when a ServerHello selects TLS 1.3 through supported_versions then version and suite are read', () => {
  const hello = parseServerHello(serverHello(Buffer.alloc(32, 5), 0x1302, 0x0304));
  assert.deepEqual(hello, { version: 0x0304, cipherSuite: 0x1302, helloRetryRequest: false });
});

test('when the ServerHello random is the HelloRetryRequest value then it is flagged', () => {
  const hrr = Buffer.from(
    'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
    'hex',
  );
  assert.equal(parseServerHello(serverHello(hrr, 0x1301, 0x0304)).helloRetryRequest, true);
});

test('when a TLS 1.2 ServerHello has no supported_versions then the legacy version is reported', () => {
  assert.equal(parseServerHello(serverHello(Buffer.alloc(32), 0xc02b)).version, 0x0303);
});

test('when Certificate messages of TLS 1.2 and 1.3 are parsed then the DER certificates come back in order', () => {
  const certs = [Buffer.from('leaf-der'), Buffer.from('intermediate-der')];
  const list12 = vec(3, Buffer.concat(certs.map((c) => vec(3, c))));
  const list13 = vec(
    3,
    Buffer.concat(certs.map((c) => Buffer.concat([vec(3, c), vec(2, Buffer.alloc(0))]))),
  );
  assert.deepEqual(parseCertificateMessage(list12, false), certs);
  assert.deepEqual(
    parseCertificateMessage(Buffer.concat([vec(1, Buffer.alloc(0)), list13]), true),
    certs,
  );
  assert.deepEqual(
    parseCertificateMessage(
      Buffer.concat([vec(1, Buffer.alloc(0)), vec(3, Buffer.alloc(0))]),
      true,
    ),
    [],
  );
});

test('when a Certificate message is truncated then parsing throws a RangeError', () => {
  assert.throws(() => parseCertificateMessage(Buffer.of(0, 0, 9, 0, 0, 5, 1), false), RangeError);
});
