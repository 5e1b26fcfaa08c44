/** buildGraph on a pile of same-name certificates: refused before minutes of signature checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, MAX_SIGNATURE_CHECKS } from '../../../src/inspect/chain-tree.js';
import { describeCertificate } from '../../../src/inspect/describe.js';
import { randomSerial, signCertificate } from '../../../src/pki/certificate.js';
import { generateKey, subjectPublicKeyInfo } from '../../../src/pki/keys.js';
import { encodeName } from '../../../src/pki/name.js';
import { MtlsError } from '../../../src/errors.js';

async function sameNamePile(count: number) {
  const { privateKey, publicKey } = await generateKey('ecdsa-p256');
  const name = encodeName({ commonName: 'same' });
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => describeCertificate(signCertificate({
    serial: randomSerial(), issuer: name, subject: name,
    notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000),
    subjectPublicKeyInfo: subjectPublicKeyInfo(publicKey), extensions: [],
  }, privateKey), `pile.pem#${i + 1}`));
}

test('when hundreds of certificates share one issuer name then it is INPUT_TOO_LARGE, not minutes of work', async () => {
  const certs = await sameNamePile(200);
  assert.ok(200 * 199 > MAX_SIGNATURE_CHECKS);
  assert.throws(() => buildGraph(certs), (e) => e instanceof MtlsError && e.code === 'INPUT_TOO_LARGE' && e.exitCode === 3 && /200 certificates/.test(e.message));
});

test('when a few certificates share one name then they are still linked', async () => {
  const graph = buildGraph(await sameNamePile(5));
  assert.equal(graph.certs.length, 5);
  assert.ok(graph.issuers.some((i) => i.length > 0));
});

test('when thousands of unrelated certificates are given then none is linked and all are kept', async () => {
  const { privateKey, publicKey } = await generateKey('ecdsa-p256');
  const now = Date.now();
  const certs = Array.from({ length: 3000 }, (_, i) => describeCertificate(signCertificate({
    serial: randomSerial(), issuer: encodeName({ commonName: `issuer ${i}` }), subject: encodeName({ commonName: `subject ${i}` }),
    notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000),
    subjectPublicKeyInfo: subjectPublicKeyInfo(publicKey), extensions: [],
  }, privateKey), `many.pem#${i + 1}`));
  const graph = buildGraph(certs);
  assert.ok(graph.issuers.every((i) => i.length === 0));
  assert.equal(graph.unrelated.length + graph.tree.length, 3000);
});
