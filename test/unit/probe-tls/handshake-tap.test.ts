import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { CertificateRequestInfo } from '../../../src/probe/certificate-request.js';
import { HandshakeTap } from '../../../src/probe/handshake-tap.js';
import { deriveTrafficKeys, TLS13_SUITES } from '../../../src/probe/tls13-keys.js';
import type { TlsAlert } from '../../../src/probe/types.js';
import { encodeName } from '../../../src/pki/name.js';
import { message, record, seal, serverHello, u16, vec } from './tls13-records.js';

const SUITE = TLS13_SUITES[0x1302]!;
const CLIENT_RANDOM = randomBytes(32).toString('hex');
const secrets = {
  SERVER_HANDSHAKE_TRAFFIC_SECRET: randomBytes(48),
  SERVER_TRAFFIC_SECRET_0: randomBytes(48),
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: randomBytes(48),
};
const keylog = (label: keyof typeof secrets) =>
  Buffer.from(`${label} ${CLIENT_RANDOM} ${secrets[label].toString('hex')}\n`);
const HRR_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);

const caNames = Array.from({ length: 150 }, (_, i) =>
  encodeName({ commonName: `Listed CA ${i}`, organization: 'Spread Over Records' }),
);
const certificateRequest = message(
  13,
  Buffer.concat([
    vec(1, Buffer.alloc(0)),
    vec(
      2,
      Buffer.concat([
        u16(13),
        vec(2, vec(2, Buffer.concat([u16(0x0403), u16(0x0804)]))),
        u16(47),
        vec(2, vec(2, Buffer.concat(caNames.map((n) => vec(2, n))))),
      ]),
    ),
  ]),
);
const certificate = (der: string) =>
  message(
    11,
    Buffer.concat([
      vec(1, Buffer.alloc(0)),
      vec(3, Buffer.concat([vec(3, Buffer.from(der)), vec(2, Buffer.alloc(0))])),
    ]),
  );
const finished = message(20, Buffer.alloc(48, 1));

/** The server's flight: HRR, ServerHello, encrypted handshake split over records, then tickets and an alert. */
function serverFlight(): Buffer {
  const hs = deriveTrafficKeys(SUITE, secrets.SERVER_HANDSHAKE_TRAFFIC_SECRET);
  const app = deriveTrafficKeys(SUITE, secrets.SERVER_TRAFFIC_SECRET_0);
  const handshake = Buffer.concat([
    message(8, vec(2, Buffer.alloc(0))),
    certificateRequest,
    certificate('server-leaf'),
    finished,
  ]);
  const pieces = [];
  for (let i = 0, seq = 0n; i < handshake.length; i += 4000, seq++)
    pieces.push(seal(hs, seq, 22, handshake.subarray(i, i + 4000), 3));
  return Buffer.concat([
    record(22, message(2, serverHello(HRR_RANDOM, 0x1302, 0x0304))),
    record(20, Buffer.of(1)),
    record(22, message(2, serverHello(randomBytes(32), 0x1302, 0x0304))),
    ...pieces,
    seal(app, 0n, 22, message(4, Buffer.alloc(20, 4))),
    seal(app, 1n, 21, Buffer.of(2, 48)),
  ]);
}

test('when encrypted records arrive before their keylog lines then they wait and are read in order', () => {
  const alerts: TlsAlert[] = [];
  let tickets = 0;
  const tap = new HandshakeTap({
    serverAlert: (a) => void alerts.push(a),
    serverTicket: () => void tickets++,
    serverApplicationData: () => undefined,
  });
  const flight = serverFlight();
  for (let i = 0; i < flight.length; i += 1000) tap.fromServer(flight.subarray(i, i + 1000));
  assert.equal(tap.facts.certificateRequest, undefined);
  assert.equal(tap.facts.helloRetryRequest, true);

  tap.keylog(keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET'));
  const request = tap.facts.certificateRequest as CertificateRequestInfo | undefined;
  assert.deepEqual(request?.certificateAuthorities, caNames);
  assert.deepEqual(request?.signatureAlgorithms, [0x0403, 0x0804]);
  assert.deepEqual(tap.facts.serverChain, [Buffer.from('server-leaf')]);
  assert.equal(tickets, 0);

  tap.keylog(keylog('SERVER_TRAFFIC_SECRET_0'));
  assert.equal(tickets, 1);
  assert.deepEqual(
    alerts.map((a) => a.name),
    ['unknown_ca'],
  );
  assert.deepEqual(tap.facts.problems, []);
});

test("when the client's encrypted Certificate is written then the chain it sent is reported", () => {
  const tap = new HandshakeTap({
    serverAlert: () => undefined,
    serverTicket: () => undefined,
    serverApplicationData: () => undefined,
  });
  tap.fromServer(record(22, message(2, serverHello(randomBytes(32), 0x1302, 0x0304))));
  const hs = deriveTrafficKeys(SUITE, secrets.CLIENT_HANDSHAKE_TRAFFIC_SECRET);
  tap.keylog(keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET'));
  tap.fromClient(
    Buffer.concat([
      record(20, Buffer.of(1)),
      seal(hs, 0n, 22, Buffer.concat([certificate('client-leaf'), finished])),
    ]),
  );
  assert.deepEqual(tap.facts.clientChainSent, [Buffer.from('client-leaf')]);
});

test('when a record does not decrypt then the problem is noted and later records are counted as opaque', () => {
  const tap = new HandshakeTap({
    serverAlert: () => undefined,
    serverTicket: () => undefined,
    serverApplicationData: () => undefined,
  });
  tap.fromServer(record(22, message(2, serverHello(randomBytes(32), 0x1302, 0x0304))));
  tap.keylog(keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET'));
  const wrong = deriveTrafficKeys(SUITE, randomBytes(48));
  tap.fromServer(Buffer.concat([seal(wrong, 0n, 22, finished), seal(wrong, 1n, 22, finished)]));
  assert.equal(tap.facts.problems.length, 1);
  assert.equal(tap.facts.opaqueServerRecords, 2);
});
