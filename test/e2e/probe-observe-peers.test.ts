/**
 * observeHandshake against a Node.js TLS server, nginx at the HTTP layer,
 * and peers that do not speak TLS at all.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { HandshakeObservation, ObserveOptions } from '../../src/probe/types.js';
import {
  makeMtlsFixture,
  observeAs,
  type ClientIdentity,
  type MtlsFixture,
} from '../helpers/mtls-fixtures.js';
import { startNginx } from '../helpers/nginx.js';
import { startTcpServer } from '../helpers/node-servers.js';
import { fileCleanup, stopAfter } from '../helpers/peer.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/tmp.js';

/** Cleanups of suite-wide servers and files, run once at the end of the file. */
const suite = fileCleanup();

const VERSIONS = ['TLSv1.3', 'TLSv1.2'] as const;
let fx: MtlsFixture;
let dir: string;
before(async () => {
  dir = await tempDir(suite, 'mtlsctl-observe-peers-');
  fx = await makeMtlsFixture(dir);
});

function observe(
  port: number,
  version: 'TLSv1.2' | 'TLSv1.3',
  who?: ClientIdentity,
  extra: Partial<ObserveOptions> = {},
): Promise<HandshakeObservation> {
  return observeAs(fx, port, version, who, extra);
}

describe('a Node.js TLS server with requestCert and rejectUnauthorized', () => {
  let port: number;
  before(async () => {
    const server = createTlsServer(
      {
        cert: fx.server.chainPem,
        key: fx.server.keyPem,
        ca: fx.ca.root.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (socket) => socket.end(),
    );
    server.on('tlsClientError', () => undefined);
    port = await startTcpServer(suite, server);
  });

  for (const version of VERSIONS) {
    test(`when a valid client connects over ${version} then the verdict is accepted`, async () => {
      const obs = await observe(port, version, fx.client);
      assert.equal(obs.verdict, 'accepted', JSON.stringify(obs.error));
      assert.deepEqual(obs.acceptableCaNames.length, 1);
    });

    test(`when a stranger's certificate is sent over ${version} then a close without alert is reported`, async () => {
      const obs = await observe(port, version, fx.stranger);
      assert.equal(obs.verdict, 'rejected-close', JSON.stringify(obs));
      assert.equal(obs.alertReceived, undefined);
      assert.equal(obs.error?.code, 'CLOSED_NO_ALERT');
      assert.equal(obs.clientChainSent.length, 2);
    });
  }

  test('when no certificate is sent over TLSv1.3 then the alert certificate_required is reported', async () => {
    const obs = await observe(port, 'TLSv1.3');
    assert.equal(obs.verdict, 'rejected-alert');
    assert.equal(obs.alertReceived?.name, 'certificate_required');
  });

  test('when no certificate is sent over TLSv1.2 then the alert handshake_failure is reported', async () => {
    const obs = await observe(port, 'TLSv1.2');
    assert.equal(obs.verdict, 'rejected-alert');
    assert.equal(obs.alertReceived?.description, 40);
  });

  test('when the trust bundle lacks the server CA then the chain error is recorded, not thrown', async () => {
    const obs = await observe(port, 'TLSv1.3', fx.client, { ca: fx.strangerTrustPem });
    assert.equal(obs.serverAuthorizationError, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(obs.verdict, 'accepted');
  });

  test('when the server name does not match the certificate then the identity error is recorded', async () => {
    const obs = await observe(port, 'TLSv1.3', fx.client, { servername: 'other.example' });
    assert.equal(obs.serverIdentityError?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(obs.serverAuthorizationError, undefined);
    const good = await observe(port, 'TLSv1.3', fx.client);
    assert.equal(good.serverIdentityError, undefined);
  });
});

describe('nginx with ssl_verify_client on, probed with an HTTP request', () => {
  let port: number;
  before(async () => {
    const f = fx.files;
    const { writeFile } = await import('node:fs/promises');
    const chain = `${dir}/nginx-chain.pem`;
    await writeFile(chain, fx.server.chainPem);
    port = await stopAfter(suite, startNginx(`${dir}/nginx`, [{
      chain,
      key: f.serverKey,
      clientCa: f.clientCa,
      verifyClient: 'on',
      protocols: 'TLSv1.2 TLSv1.3',
      extra: 'ssl_verify_depth 3;',
    }]));
  });
  const http = { path: '/' };

  for (const version of VERSIONS) {
    test(`when a valid client asks over ${version} then the answer is 200 and the verdict accepted`, async () => {
      const obs = await observe(port, version, fx.client, { http });
      assert.equal(obs.verdict, 'accepted', JSON.stringify(obs.error));
      assert.equal(obs.http?.status, 200);
      assert.match(obs.http?.bodyHead ?? '', /CN=client/);
    });

    test(`when a stranger asks over ${version} then nginx's 400 certificate error is recorded`, async () => {
      const obs = await observe(port, version, fx.stranger, { http });
      assert.equal(obs.http?.status, 400);
      assert.match(obs.http?.bodyHead ?? '', /The SSL certificate error/);
    });

    test(`when no certificate is sent over ${version} then nginx's 400 names the missing certificate`, async () => {
      const obs = await observe(port, version, undefined, { http });
      assert.equal(obs.http?.status, 400);
      assert.equal(obs.http?.statusText, 'Bad Request');
      assert.match(obs.http?.bodyHead ?? '', /No required SSL certificate was sent/);
    });
  }

  test('when ALPN selects http/1.1 and httpIfAlpn is set then the request is sent without http', async () => {
    const obs = await observe(port, 'TLSv1.3', fx.stranger, {
      alpn: ['http/1.1'],
      httpIfAlpn: { path: '/' },
    });
    assert.equal(obs.alpn, 'http/1.1');
    assert.equal(obs.http?.status, 400);
    assert.equal(obs.verdictReason, 'http-response');
  });

  test('when nginx is probed without HTTP over TLSv1.3 then the TLS layer accepts even a stranger', async () => {
    const obs = await observe(port, 'TLSv1.3', fx.stranger);
    assert.equal(obs.verdict, 'accepted');
    assert.ok((obs.sessionTickets ?? 0) > 0);
    assert.equal(obs.http, undefined);
  });
});

describe('peers that do not complete a TLS handshake', () => {
  test('when the port serves plain HTTP then NOT_TLS is reported with its banner', async (t) => {
    const port = await startTcpServer(
      t,
      createHttpServer((_req, res) => res.end('plain')),
    );
    const obs = await observe(port, 'TLSv1.3', fx.client);
    assert.equal(obs.error?.code, 'NOT_TLS');
    assert.match(obs.nonTlsBanner ?? '', /^HTTP\/1\.1 400/);
    assert.equal(obs.verdict, 'unknown');
  });

  test('when the server accepts TCP and says nothing then HANDSHAKE_TIMEOUT is reported', async (t) => {
    const port = await startTcpServer(
      t,
      createTcpServer(() => undefined),
    );
    const obs = await observe(port, 'TLSv1.3', fx.client, { timeoutMs: 300 });
    assert.equal(obs.error?.code, 'HANDSHAKE_TIMEOUT');
    assert.equal(obs.verdict, 'unknown');
  });

  test("when the server closes before any TLS answer then Node's ECONNRESET stays and the verdict is unknown", async (t) => {
    const port = await startTcpServer(
      t,
      createTcpServer((socket) => socket.destroy()),
    );
    const obs = await observe(port, 'TLSv1.3', fx.client);
    assert.equal(obs.error?.code, 'ECONNRESET');
    assert.equal(obs.verdict, 'unknown');
    assert.equal(obs.verdictReason, 'close');
  });

  test('when nothing listens on the port then ECONNREFUSED is reported', async () => {
    const obs = await observe(await freePort(), 'TLSv1.3', fx.client);
    assert.equal(obs.error?.code, 'ECONNREFUSED');
    assert.deepEqual(
      obs.timings.map((s) => s.step),
      ['resolve', 'connect'],
    );
  });

  test('when the client key does not belong to the certificate then the load error is recorded', async () => {
    const obs = await observe(1, 'TLSv1.3', { ...fx.client, key: fx.stranger.key });
    assert.match(obs.error?.code ?? '', /KEY_VALUES_MISMATCH/);
    assert.deepEqual(obs.timings, []);
  });
});
