import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { startNginx, type NginxSite } from '../helpers/nginx.js';
import { makeProbeFixtures, type FixtureName, type LeafFiles } from './probe-fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Doc = any;

/** nginx judges client certificates at the HTTP layer: the handshake completes, the request gets a 400. */
describe('mtlsctl probe --http against nginx with ssl_verify_client on', { concurrency: 4 }, () => {
  let dir: string;
  let f: Record<FixtureName, LeafFiles>;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  const port: Record<string, number> = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtlsctl-probe-nginx-'));
    f = await makeProbeFixtures(join(dir, 'certs'));
    const site = (verifyClient: NginxSite['verifyClient'], protocols: string, extra?: string): NginxSite =>
      ({ chain: f.server.chain, key: f.server.key, clientCa: f.server.ca, verifyClient, protocols, extra });
    const names = ['strict1.2', 'strict1.3', 'open1.3', 'shallow1.3', 'reject1.3'];
    nginx = await startNginx(join(dir, 'nginx'), [
      site('on', 'TLSv1.2'), site('on', 'TLSv1.3'), site('off', 'TLSv1.3'),
      // A depth of 0 allows no issuer above the leaf: a sound certificate still fails.
      site('on', 'TLSv1.3', 'ssl_verify_depth 0;'),
      // What a default server does for names it does not serve.
      site('off', 'TLSv1.3', 'ssl_reject_handshake on;'),
    ]);
    names.forEach((n, i) => { port[n] = nginx.ports[i]!; });
  });

  after(async () => {
    await nginx?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function probe(site: string, who?: FixtureName, http = ['--http', '/']): Promise<Doc> {
    const cert = who ? ['--cert', f[who].chain, '--key', f[who].key] : [];
    const r = await mtlsctl(['probe', `127.0.0.1:${port[site]}`, '--servername', 'localhost', '--ca', f.server.ca, ...http, ...cert, '--json'], { cwd: dir, timeoutMs: 30_000 });
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.diagnosis.exitCode, r.exitCode);
    return doc;
  }

  const expectCode = (doc: Doc, code: string) =>
    assert.equal(doc.diagnosis.code, code, `${doc.diagnosis.summary}\n${doc.diagnosis.evidence.join('\n')}`);

  for (const v of ['1.2', '1.3']) {
    const site = `strict${v}`;
    test(`when a valid client asks nginx over TLS ${v} then the code is ok and the HTTP status is 200`, async () => {
      const doc = await probe(site, 'client');
      expectCode(doc, 'ok');
      assert.equal(doc.http.status, 200);
      assert.equal(doc.tls.protocol, `TLSv${v}`);
    });
    test(`when no certificate is sent to nginx over TLS ${v} then the code is client-cert-required from the 400 page`, async () => {
      const doc = await probe(site);
      expectCode(doc, 'client-cert-required');
      assert.equal(doc.http.status, 400);
    });
    for (const [who, code] of [['clientForeign', 'client-cert-unknown-ca'], ['clientExpired', 'client-cert-expired'], ['clientServerOnly', 'client-cert-wrong-purpose']] as const) {
      test(`when ${who} asks nginx over TLS ${v} then the 400 plus local checks name ${code}`, async () => {
        const doc = await probe(site, who);
        expectCode(doc, code);
        assert.equal(doc.http.status, 400);
        assert.match(doc.diagnosis.evidence.join('\n'), /HTTP 400/);
      });
    }
  }

  test('when --http is not given but nginx picks ALPN http/1.1 then the probe asks over HTTP anyway', async () => {
    const doc = await probe('strict1.3', 'clientExpired', []);
    expectCode(doc, 'client-cert-expired');
    assert.equal(doc.tls.alpn, 'http/1.1');
    assert.equal(doc.http.status, 400);
    assert.match(doc.diagnosis.evidence.join('\n'), /ALPN http\/1\.1/);
  });

  test('when nginx rejects the handshake for an unknown server name then the code is server-name-mismatch', async () => {
    const doc = await probe('reject1.3', 'client');
    expectCode(doc, 'server-name-mismatch');
    assert.equal(doc.alert.description, 112);
  });

  test('when nginx does not verify clients then a probe without a certificate gets mtls-not-enforced', async () => {
    const doc = await probe('open1.3');
    expectCode(doc, 'mtls-not-enforced');
    assert.equal(doc.http.status, 200);
  });

  test('when nginx rejects a sound certificate for a reason the local checks cannot see then the code is client-cert-rejected', async () => {
    expectCode(await probe('shallow1.3', 'client'), 'client-cert-rejected');
  });
});
