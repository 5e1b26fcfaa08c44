/** Certificates for the probe e2e suites: one CA per suite, each leaf named by its defect. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestCa, makeTestLeaf, writeLeafFiles, type TestCa } from '../helpers/mini-ca.js';
import { openssl } from '../helpers/openssl.js';
import { OID } from '../../src/pki/oids.js';

const DAY = 86_400_000;

/** The files of one leaf, as `mtlsctl issue` lays them out, plus the intermediate alone. */
export interface LeafFiles {
  cert: string;
  key: string;
  chain: string;
  ca: string;
  /** The intermediate alone (for `openssl s_server -cert_chain`). */
  inter: string;
}

/** Every leaf the probe suites use. */
export type FixtureName =
  | 'server' | 'serverExpired' | 'serverFuture' | 'serverClientOnly' | 'serverOther' | 'serverSelf'
  | 'client' | 'clientForeign' | 'clientExpired' | 'clientServerOnly';

/** Makes one CA ("Probe Root CA"), another CA and every leaf, written under dir. */
export async function makeProbeFixtures(dir: string): Promise<Record<FixtureName, LeafFiles>> {
  const now = Date.now();
  const [ca, other] = await Promise.all([makeTestCa({ name: 'Probe Root CA' }), makeTestCa({ name: 'Other Root CA' })]);
  const past = { notBefore: new Date(now - 60 * DAY), notAfter: new Date(now - DAY) };
  const future = { notBefore: new Date(now + DAY), notAfter: new Date(now + 60 * DAY) };
  const specs: Array<[FixtureName, TestCa, Parameters<typeof makeTestLeaf>[1]]> = [
    ['server', ca, {}],
    ['serverExpired', ca, past],
    ['serverFuture', ca, future],
    ['serverClientOnly', ca, { extKeyUsages: [OID.clientAuth] }],
    ['serverOther', other, {}],
    ['client', ca, { commonName: 'frontend', altNames: { dns: ['frontend'] } }],
    ['clientForeign', other, { commonName: 'intruder', altNames: { dns: ['intruder'] } }],
    ['clientExpired', ca, { commonName: 'frontend-old', altNames: { dns: ['frontend'] }, ...past }],
    ['clientServerOnly', ca, { commonName: 'frontend-srv', altNames: { dns: ['frontend'] }, extKeyUsages: [OID.serverAuth] }],
  ];
  const out = {} as Record<FixtureName, LeafFiles>;
  await Promise.all(specs.map(async ([name, issuer, opts]) => {
    const leaf = await makeTestLeaf(issuer, opts);
    const files = await writeLeafFiles(dir, name, leaf, issuer);
    const inter = join(dir, name, 'inter.pem');
    await writeFile(inter, issuer.intermediate!.certPem);
    out[name] = { ...files, inter };
  }));
  out.serverSelf = await selfSigned(dir, out.server.ca);
  return out;
}

/** A self-signed localhost certificate made by the openssl CLI. */
async function selfSigned(dir: string, ca: string): Promise<LeafFiles> {
  const cert = join(dir, 'self-cert.pem');
  const key = join(dir, 'self-key.pem');
  const r = await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '2', '-keyout', key, '-out', cert]);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return { cert, key, chain: cert, ca, inter: cert };
}
