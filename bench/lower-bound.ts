/**
 * The in-process lower bound: what one Node.js process needs at least to give
 * N services a P-256 key and a signed leaf, with the key, certificate and
 * chain files written. No CLI, manifest, validation, atomic rename or record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatePem } from '../src/pki/certificate.js';
import { readCertificate } from '../src/pki/der-reader.js';
import { exportPrivateKey, generateKey, subjectPublicKeyInfo } from '../src/pki/keys.js';
import { issueLeaf, issuerOf } from '../src/issue/leaf.js';

const [outDir, countText] = process.argv.slice(2);
const count = Number(countText ?? 1000);
const ca = await generateKey('ecdsa-p256');
const caSpki = subjectPublicKeyInfo(ca.publicKey);
const { signCertificate } = await import('../src/pki/certificate.js');
const { encodeName } = await import('../src/pki/name.js');
const caName = encodeName({ commonName: 'Bench CA' });
const caDer = signCertificate({
  serial: Buffer.of(1), issuer: caName, subject: caName, notBefore: new Date(),
  notAfter: new Date(Date.now() + 86_400_000 * 365), subjectPublicKeyInfo: caSpki, extensions: [],
}, ca.privateKey);
const issuer = issuerOf(readCertificate(caDer), ca.privateKey);
const caPem = certificatePem(caDer);

const started = performance.now();
let next = 0;
async function worker(): Promise<void> {
  while (next < count) {
    const name = `svc-${String(next++).padStart(4, '0')}`;
    const key = await generateKey('ecdsa-p256');
    const { der } = issueLeaf({
      commonName: name,
      altNames: { dns: [name, `${name}.bench`, `${name}.bench.svc`, `${name}.bench.svc.cluster.local`], uri: [`spiffe://cluster.local/ns/bench/sa/${name}`] },
      usage: 'both', subjectPublicKeyInfo: subjectPublicKeyInfo(key.publicKey), rsa: false,
      issuedAt: new Date(), ttl: 90 * 86_400_000,
    }, issuer);
    const dir = join(outDir!, name);
    mkdirSync(dir, { recursive: true });
    const pem = certificatePem(der);
    writeFileSync(join(dir, 'key.pem'), exportPrivateKey(key.privateKey), { mode: 0o600 });
    writeFileSync(join(dir, 'cert.pem'), pem);
    writeFileSync(join(dir, 'chain.pem'), pem + caPem);
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
process.stdout.write(`${(performance.now() - started).toFixed(1)}\n`);
