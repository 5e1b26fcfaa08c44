import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCertificateRequest12,
  parseCertificateRequest13,
} from '../../../src/probe/certificate-request.js';
import { encodeName } from '../../../src/pki/name.js';

const u16 = (n: number) => Buffer.of(n >> 8, n & 0xff);
const vec16 = (body: Buffer) => Buffer.concat([u16(body.length), body]);
const names = [
  encodeName({ commonName: 'Root A' }),
  encodeName({ commonName: 'Root B', organization: 'Acme', country: 'DE' }),
];
const nameList = vec16(Buffer.concat(names.map(vec16)));
const sigalgs = vec16(Buffer.concat([0x0403, 0x0804, 0x0401].map(u16)));

test('when a TLS 1.2 CertificateRequest is parsed then types, algorithms and CA names come back', () => {
  const body = Buffer.concat([Buffer.of(2, 1, 64), sigalgs, nameList]);
  const request = parseCertificateRequest12(body);
  assert.deepEqual(request.certificateTypes, [1, 64]);
  assert.deepEqual(request.signatureAlgorithms, [0x0403, 0x0804, 0x0401]);
  assert.deepEqual(request.certificateAuthorities, names);
});

test('when a TLS 1.3 CertificateRequest carries extensions 13, 47 and 50 then each is read', () => {
  const extension = (type: number, data: Buffer) => Buffer.concat([u16(type), vec16(data)]);
  const certSigalgs = vec16(u16(0x0807));
  const extensions = Buffer.concat([
    extension(13, sigalgs),
    extension(47, nameList),
    extension(50, certSigalgs),
    extension(0x1234, Buffer.of(1)),
  ]);
  const request = parseCertificateRequest13(Buffer.concat([Buffer.of(0), vec16(extensions)]));
  assert.deepEqual(request.signatureAlgorithms, [0x0403, 0x0804, 0x0401]);
  assert.deepEqual(request.signatureAlgorithmsCert, [0x0807]);
  assert.deepEqual(request.certificateAuthorities, names);
  assert.deepEqual(request.certificateTypes, []);
});

test('when a TLS 1.3 CertificateRequest has no certificate_authorities then the list is empty', () => {
  const extensions = Buffer.concat([u16(13), vec16(sigalgs)]);
  const request = parseCertificateRequest13(Buffer.concat([Buffer.of(0), vec16(extensions)]));
  assert.deepEqual(request.certificateAuthorities, []);
  assert.equal(request.signatureAlgorithms.length, 3);
});

test('when the CA name list is cut short then parsing throws a RangeError', () => {
  const body = Buffer.concat([Buffer.of(1, 64), sigalgs, u16(500), Buffer.alloc(10)]);
  assert.throws(() => parseCertificateRequest12(body), RangeError);
});
