/** parsePem on hostile text: linear time, and the same blocks as before on normal input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePem, toPem } from '../../../src/pki/pem.js';

const DER = Buffer.from('3003020101', 'hex');

test('when blocks sit among text and CRLF lines then each is found with its line', () => {
  const text = `intro\r\n${toPem('CERTIFICATE', DER).replace(/\n/g, '\r\n')}between\n${toPem('PRIVATE KEY', DER)}`;
  const blocks = parsePem(text);
  assert.deepEqual(blocks.map((b) => [b.label, b.line, b.der.toString('hex')]), [
    ['CERTIFICATE', 2, '3003020101'],
    ['PRIVATE KEY', 6, '3003020101'],
  ]);
});

test('when a BEGIN has no END before the next BEGIN then only the complete block is returned', () => {
  const text = `-----BEGIN CERTIFICATE-----\nAAAA\n${toPem('CERTIFICATE', DER)}`;
  assert.deepEqual(parsePem(text).map((b) => b.line), [3]);
});

test('when an END names another label then it closes nothing', () => {
  assert.deepEqual(parsePem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n'), []);
});

test('when a text holds 100,000 unclosed BEGIN lines then it is parsed (in linear time) to no block', () => {
  // The old lazy regex rescanned to the end for every BEGIN: minutes on this input.
  const blocks = parsePem('-----BEGIN CERTIFICATE-----\n'.repeat(100_000));
  assert.deepEqual(blocks, []);
});
