import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp, decodeNameConstraints, decodeSubjectAltNames, decodeKeyUsage, decodeBasicConstraints } from '../../../src/inspect/decode-extensions.js';
import { firstViolation } from '../../../src/inspect/name-constraints.js';
import { parseEndpoint } from '../../../src/inspect/fetch-endpoint.js';
import { wrap } from '../../../src/inspect/render-human.js';
import { basicConstraints, ipBytes, keyUsage, nameConstraints, subjectAltName } from '../../../src/pki/extensions.js';
import { looksLikePkcs12 } from '../../../src/inspect/pkcs12.js';
import { decodeCertificates } from '../../../src/inspect/read-input.js';

describe('inspect decoding helpers', () => {
  const IPS: Array<[string, string]> = [
    ['10.0.0.1', '10.0.0.1'],
    ['::1', '::1'],
    ['2001:db8::8:800:200c:417a', '2001:db8::8:800:200c:417a'],
    ['fe80::', 'fe80::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ];
  for (const [input, text] of IPS) {
    test(`when the address ${input} is encoded and decoded then it reads ${text}`, () => {
      assert.equal(formatIp(ipBytes(input)), text);
    });
  }

  test('when our own extensions are decoded then the values come back', () => {
    assert.deepEqual(decodeKeyUsage(keyUsage(['digitalSignature', 'keyCertSign', 'decipherOnly']).value), ['digitalSignature', 'keyCertSign', 'decipherOnly']);
    assert.deepEqual(decodeBasicConstraints(basicConstraints(true, 2).value, true), { ca: true, pathLength: 2, critical: true });
    assert.deepEqual(decodeBasicConstraints(basicConstraints(false).value, false), { ca: false, pathLength: null, critical: false });
    const san = decodeSubjectAltNames(subjectAltName({ dns: ['a.test'], ip: ['127.0.0.1', '::1'], uri: ['spiffe://td/ns/x'], email: ['a@b.test'] }).value);
    assert.deepEqual(san, { dns: ['a.test'], ip: ['127.0.0.1', '::1'], uri: ['spiffe://td/ns/x'], email: ['a@b.test'], other: [] });
    assert.deepEqual(decodeNameConstraints(nameConstraints({ dns: ['.svc.local'], uri: ['td'] }).value), { permitted: ['DNS:.svc.local', 'URI:td'], excluded: [] });
  });

  const NC: Array<[string, string[], string[], { dns?: string[]; ip?: string[]; uri?: string[] }, string | null]> = [
    ['a name below a leading-dot constraint', ['DNS:.svc.local'], [], { dns: ['a.svc.local'] }, null],
    ['the constraint domain itself under a leading dot', ['DNS:.svc.local'], [], { dns: ['svc.local'] }, 'DNS:svc.local'],
    ['a name below a bare domain', ['DNS:svc.local'], [], { dns: ['x.y.svc.local'] }, null],
    ['a look-alike suffix', ['DNS:svc.local'], [], { dns: ['evilsvc.local'] }, 'DNS:evilsvc.local'],
    ['an excluded name', [], ['DNS:bad.test'], { dns: ['x.bad.test'] }, 'DNS:x.bad.test'],
    ['a URI on the permitted host', ['URI:cluster.local'], [], { uri: ['spiffe://cluster.local/ns/a/sa/b'] }, null],
    ['a URI on another host', ['URI:cluster.local'], [], { uri: ['spiffe://other.local/ns/a'] }, 'URI:spiffe://other.local/ns/a'],
    ['an IP inside the range', ['IP:10.0.0.0/8'], [], { ip: ['10.1.2.3'] }, null],
    ['an IP outside the range', ['IP:10.0.0.0/8'], [], { ip: ['192.168.1.1'] }, 'IP:192.168.1.1'],
    ['a kind without constraints', ['DNS:.svc.local'], [], { ip: ['192.168.1.1'] }, null],
  ];
  for (const [what, permitted, excluded, names, expected] of NC) {
    test(`when checking ${what} then the violation is ${expected ?? 'none'}`, () => {
      const san = { dns: names.dns ?? [], ip: names.ip ?? [], uri: names.uri ?? [], email: [], other: [] };
      assert.equal(firstViolation(san, { permitted, excluded }), expected);
    });
  }

  const ENDPOINTS: Array<[string, object | undefined]> = [
    ['example.com:443', { host: 'example.com', port: 443, label: 'example.com:443' }],
    ['127.0.0.1:8443', { host: '127.0.0.1', port: 8443, label: '127.0.0.1:8443' }],
    ['[::1]:8443', { host: '::1', port: 8443, label: '[::1]:8443' }],
    ['::1:8443', undefined],
    ['chain.pem', undefined],
    ['host:99999', undefined],
    ['dir/file:1', undefined],
  ];
  for (const [text, expected] of ENDPOINTS) {
    test(`when parsing ${text} as an endpoint then it is ${expected ? 'one' : 'not one'}`, () => {
      assert.deepEqual(parseEndpoint(text), expected);
    });
  }

  test('when a long line is wrapped then no line passes 80 columns and no word is lost', () => {
    const text = `  label            ${'word '.repeat(40)}${'x'.repeat(100)}`;
    const lines = wrap(text, '    ');
    assert.ok(lines.every((l) => l.length <= 80), lines.join('\n'));
    assert.equal(lines.join(' ').replace(/\s+/g, ''), text.replace(/\s+/g, ''));
  });

  test('when bytes are a DER certificate rather than a PFX then they are not taken for PKCS#12', async () => {
    assert.equal(looksLikePkcs12(Buffer.from('3082010a020103', 'hex')), true);
    assert.equal(looksLikePkcs12(Buffer.from('30820100a003020102', 'hex')), false);
    await assert.rejects(decodeCertificates(Buffer.from('not a certificate\n'), 'x.txt'), /x\.txt holds no certificate/);
  });
});
