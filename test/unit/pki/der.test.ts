import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLength, integer, oid, time, unsignedInteger } from '../../../src/pki/der.js';
import { decodeOid, readElement, decodeTime } from '../../../src/pki/der-reader.js';
import { keyUsage, ipBytes } from '../../../src/pki/extensions.js';

test('when lengths cross 127 and 255 then the long form is used', () => {
  assert.deepEqual(encodeLength(127), Buffer.of(0x7f));
  assert.deepEqual(encodeLength(128), Buffer.of(0x81, 0x80));
  assert.deepEqual(encodeLength(256), Buffer.of(0x82, 0x01, 0x00));
});

test('when an integer has its high bit set then a zero octet keeps it positive', () => {
  assert.deepEqual(integer(128), Buffer.of(0x02, 0x02, 0x00, 0x80));
  assert.deepEqual(integer(0), Buffer.of(0x02, 0x01, 0x00));
  assert.deepEqual(unsignedInteger(Buffer.of(0, 0, 5)), Buffer.of(0x02, 0x01, 0x05));
});

test('when an OID is encoded then it decodes back to the same arcs', () => {
  for (const dotted of ['2.5.29.17', '1.2.840.113549.1.1.11', '1.3.6.1.5.5.7.3.2', '2.999.3']) {
    assert.equal(decodeOid(readElement(oid(dotted)).content), dotted);
  }
  assert.deepEqual(oid('1.2.840.10045.4.3.2'), Buffer.from('06082a8648ce3d040302', 'hex'));
});

test('when a date is before 2050 then UTCTime is used, from 2050 GeneralizedTime', () => {
  const d1 = new Date('2049-12-31T23:59:59Z');
  const d2 = new Date('2050-01-01T00:00:00Z');
  assert.equal(time(d1)[0], 0x17);
  assert.equal(time(d2)[0], 0x18);
  assert.deepEqual(decodeTime(readElement(time(d1))), d1);
  assert.deepEqual(decodeTime(readElement(time(d2))), d2);
});

test('when key usage has trailing zero bits then DER drops them', () => {
  // digitalSignature only: 03 02 07 80
  assert.deepEqual(keyUsage(['digitalSignature']).value, Buffer.from('03020780', 'hex'));
  // keyCertSign + cRLSign: bits 5 and 6 -> 0x06 with 1 unused bit
  assert.deepEqual(keyUsage(['keyCertSign', 'cRLSign']).value, Buffer.from('03020106', 'hex'));
});

test('when an IPv6 address is compressed then it expands to 16 octets', () => {
  assert.equal(ipBytes('::1').toString('hex'), '00000000000000000000000000000001');
  assert.equal(ipBytes('fd00::a:1').toString('hex'), 'fd000000000000000000000000' + '0a0001'.padStart(6, '0'));
  assert.equal(ipBytes('2001:db8::ffff:10.0.0.1').toString('hex'), '20010db8000000000000ffff0a000001');
  assert.equal(ipBytes('10.1.2.3').toString('hex'), '0a010203');
});
