import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expandLabel, sentCertificates } from '../../../src/inspect/certificate-message.js';

const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);

function record(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), body]);
}

describe('reading the Certificate message of a handshake', () => {
  test('when expanding the RFC 8448 server handshake secret then key and iv match the RFC', () => {
    const secret = Buffer.from('b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38', 'hex');
    assert.equal(expandLabel('sha256', secret, 'key', 16).toString('hex'), '3fce516009c21727d0f2e4e86ee403bc');
    assert.equal(expandLabel('sha256', secret, 'iv', 12).toString('hex'), '5d313eb2671276ee13000b30');
  });

  test('when a TLS 1.2 Certificate message is split over records then the certificates come out in order', () => {
    const certs = [Buffer.from('3003020101', 'hex'), Buffer.from('3003020102', 'hex'), Buffer.from('3003020103', 'hex')];
    const list = Buffer.concat(certs.map((c) => Buffer.concat([u24(c.length), c])));
    const body = Buffer.concat([u24(list.length), list]);
    const serverHello = Buffer.concat([Buffer.from([2]), u24(2), Buffer.from([3, 3])]);
    const message = Buffer.concat([serverHello, Buffer.from([11]), u24(body.length), body]);
    const bytes = Buffer.concat([record(22, message.subarray(0, 10)), record(22, message.subarray(10)), record(20, Buffer.from([1])), record(22, Buffer.from('encrypted finished'))]);
    assert.deepEqual(sentCertificates(bytes), certs);
  });

  test('when there is no Certificate message then nothing is returned', () => {
    assert.equal(sentCertificates(record(21, Buffer.from([2, 40]))), undefined);
  });
});
