/**
 * observeHandshake against openssl s_server: verdicts, chains, and the
 * CertificateRequest compared with what openssl s_client reports.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HandshakeObservation, ObserveOptions } from '../../src/probe/types.js';
import {
  makeMtlsFixture,
  observeAs,
  type ClientIdentity,
  type MtlsFixture,
} from '../helpers/mtls-fixtures.js';
import { startOpensslServer } from '../helpers/openssl-server.js';
import { fileCleanup, stopAfter } from '../helpers/peer.js';
import { opensslNameLine, sClientView } from '../helpers/s-client.js';
import { tempDir } from '../helpers/tmp.js';
import { makeTestCa } from '../helpers/mini-ca.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Cleanups of suite-wide servers and files, run once at the end of the file. */
const suite = fileCleanup();
const VERSIONS = [
  { version: 'TLSv1.3', flag: '-tls1_3' },
  { version: 'TLSv1.2', flag: '-tls1_2' },
] as const;

let fx: MtlsFixture;
let dir: string;
before(async () => {
  dir = await tempDir(suite, 'mtlsctl-observe-');
  fx = await makeMtlsFixture(dir);
});

function serverArgs(...extra: string[]): string[] {
  const f = fx.files;
  return [
    '-cert',
    f.serverLeaf,
    '-cert_chain',
    f.serverIntermediate,
    '-key',
    f.serverKey,
    '-Verify',
    '1',
    ...extra,
  ];
}

function observe(
  port: number,
  version: 'TLSv1.2' | 'TLSv1.3',
  who?: ClientIdentity,
  extra: Partial<ObserveOptions> = {},
): Promise<HandshakeObservation> {
  return observeAs(fx, port, version, who, extra);
}

function assertAlert(obs: HandshakeObservation, description: number, name: string): void {
  assert.equal(obs.verdict, 'rejected-alert', JSON.stringify(obs.error));
  assert.equal(obs.alertReceived?.description, description);
  assert.equal(obs.alertReceived?.name, name);
  assert.ok(obs.error?.code);
}

for (const { version, flag } of VERSIONS) {
  describe(`s_server -Verify 1 -verify_return_error over ${version}`, () => {
    let port: number;
    before(async () => {
      port = await stopAfter(suite, startOpensslServer(serverArgs('-CAfile', fx.files.clientCaWithPartner, '-verify_return_error', flag)));
    });

    test('when the client certificate is valid then the verdict is accepted and both chains are reported', async () => {
      const obs = await observe(port, version, fx.client);
      assert.equal(obs.verdict, 'accepted', JSON.stringify(obs.error));
      assert.equal(obs.protocol, version);
      assert.equal(obs.error, undefined);
      assert.equal(obs.certificateRequested, true);
      assert.equal(obs.clientChainSent.length, 2);
      assert.deepEqual(obs.clientChainSent[0], fx.client.leafDer);
      assert.deepEqual(obs.serverChain[0], fx.server.der);
      assert.equal(obs.serverChain.length, 2);
      assert.equal(obs.serverAuthorizationError, undefined);
      assert.deepEqual(obs.timings.map((s) => s.step).slice(0, 3), [
        'resolve',
        'connect',
        'handshake',
      ]);
    });

    test("when CA names are reported then they equal openssl s_client's acceptable CA names", async () => {
      const [obs, view] = await Promise.all([
        observe(port, version, fx.client),
        sClientView(port, flag),
      ]);
      assert.equal(view.caNames.length, 3);
      assert.deepEqual(obs.acceptableCaNames.map(opensslNameLine), view.caNames);
      assert.equal(obs.signatureAlgorithms.length, view.signatureAlgorithms.length);
    });

    test('when the client certificate comes from an unknown CA then the server alert unknown_ca is reported', async () => {
      const obs = await observe(port, version, fx.stranger);
      assertAlert(obs, 48, 'unknown_ca');
      assert.equal(obs.clientChainSent.length, 2);
    });

    test('when the client certificate has expired then the alert certificate_expired is reported', async () => {
      assertAlert(await observe(port, version, fx.expired), 45, 'certificate_expired');
    });

    test('when no client certificate is sent then the server rejects with an alert', async () => {
      const obs = await observe(port, version);
      if (version === 'TLSv1.3') assertAlert(obs, 116, 'certificate_required');
      else assertAlert(obs, 40, 'handshake_failure');
      assert.deepEqual(obs.clientChainSent, []);
      assert.equal(obs.certificateRequested, true);
    });
  });
}

describe('s_server -Verify 1 without -verify_return_error', () => {
  for (const { version, flag } of VERSIONS) {
    test(`when a stranger's certificate is sent over ${version} then the server accepts it`, async (t) => {
      const port = await stopAfter(t, startOpensslServer(serverArgs('-CAfile', fx.files.clientCa, flag)));
      const obs = await observe(port, version, fx.stranger);
      assert.equal(obs.verdict, 'accepted', JSON.stringify(obs.error));
      assert.equal(obs.alertReceived, undefined);
    });
  }

  test('when no certificate is sent over TLSv1.3 then certificate_required still arrives', async (t) => {
    const port = await stopAfter(t, startOpensslServer(serverArgs('-CAfile', fx.files.clientCa, '-tls1_3')));
    assertAlert(await observe(port, 'TLSv1.3'), 116, 'certificate_required');
  });
});

describe('each TLS 1.3 cipher suite', () => {
  for (const name of [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
  ]) {
    test(`when ${name} is negotiated then handshake and later records are decrypted`, async (t) => {
      const port = await stopAfter(t, startOpensslServer(serverArgs(
        '-CAfile',
        fx.files.clientCaWithPartner,
        '-verify_return_error',
        '-ciphersuites',
        name,
        '-tls1_3',
      )));
      const obs = await observe(port, 'TLSv1.3', fx.stranger);
      assert.equal(obs.cipher, name);
      assert.equal(obs.acceptableCaNames.length, 3);
      assertAlert(obs, 48, 'unknown_ca');
      assert.equal(obs.observerNotes, undefined);
    });
  }
});

describe('versions that do not overlap', () => {
  test("when the server only speaks TLSv1.3 and the client TLSv1.2 then the server's protocol_version alert is reported", async (t) => {
    const port = await stopAfter(t, startOpensslServer(serverArgs('-CAfile', fx.files.clientCa, '-tls1_3')));
    const obs = await observe(port, 'TLSv1.2', fx.client);
    assertAlert(obs, 70, 'protocol_version');
    assert.equal(obs.protocol, undefined);
    assert.equal(obs.certificateRequested, false);
  });
});

describe('s_server options that change the CertificateRequest and the tickets', () => {
  for (const { version, flag } of VERSIONS) {
    test(`when the server sends no CA names over ${version} then the list is empty as s_client says`, async (t) => {
      const port = await stopAfter(t, startOpensslServer(serverArgs('-CAfile', fx.files.clientCa, '-no_ca_names', flag)));
      const [obs, view] = await Promise.all([
        observe(port, version, fx.client),
        sClientView(port, flag),
      ]);
      assert.equal(view.noCaNamesSent, true);
      assert.equal(obs.certificateRequested, true);
      assert.deepEqual(obs.acceptableCaNames, []);
      assert.equal(obs.verdict, 'accepted');
    });
  }

  test('when the server sends no session tickets then its close_notify still settles acceptance', async (t) => {
    const port = await stopAfter(t, startOpensslServer(serverArgs('-CAfile', fx.files.clientCa, '-num_tickets', '0', '-tls1_3')));
    const obs = await observe(port, 'TLSv1.3', fx.client);
    assert.equal(obs.verdict, 'accepted');
    assert.equal(obs.sessionTickets, 0);
    assert.equal(obs.verdictReason, 'close-notify');
  });

  test('when the server does not ask for a certificate then none is requested or sent', async (t) => {
    const f = fx.files;
    const port = await stopAfter(t, startOpensslServer([
      '-cert',
      f.serverLeaf,
      '-key',
      f.serverKey,
      '-tls1_3',
    ]));
    const obs = await observe(port, 'TLSv1.3', fx.client);
    assert.equal(obs.certificateRequested, false);
    assert.deepEqual(obs.clientChainSent, []);
    assert.equal(obs.verdict, 'accepted');
    assert.equal(obs.serverChain.length, 1);
  });

  test('when 145 CA names follow a HelloRetryRequest then all are read as s_client reads them', async (t) => {
    let pem = await readFile(fx.files.clientCa, 'utf8');
    for (let i = 0; i < 143; i++) {
      pem += (
        await makeTestCa({
          name: `Filler CA ${i} with a long name to spread the request over records`,
          intermediate: false,
        })
      ).trustPem;
    }
    const many = join(dir, 'many-cas.pem');
    await writeFile(many, pem);
    const port = await stopAfter(t, startOpensslServer(serverArgs('-CAfile', many, '-groups', 'secp384r1', '-verify_return_error', '-tls1_3')));
    const [obs, view] = await Promise.all([
      observe(port, 'TLSv1.3', fx.client),
      sClientView(port, '-tls1_3'),
    ]);
    assert.equal(obs.helloRetryRequest, true);
    assert.equal(view.caNames.length, 145);
    assert.deepEqual(obs.acceptableCaNames.map(opensslNameLine), view.caNames);
    assert.equal(obs.verdict, 'accepted');
  });
});
