import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toAlert } from '../../../src/probe/alerts.js';
import { blankTapFacts, type TapFacts } from '../../../src/probe/handshake-tap.js';
import {
  settleHandshakeError,
  settleHttpEnd,
  settleServerAlert,
  settleTimeout,
  settleVerdictClose,
} from '../../../src/probe/verdict-rules.js';

function facts(change: Partial<TapFacts> = {}): TapFacts {
  return {
    ...blankTapFacts(),
    firstServerBytes: Buffer.from('160303', 'hex'),
    serverHello: { version: 0x0304, cipherSuite: 0x1302, helloRetryRequest: false },
    ...change,
  };
}
const nodeError = (code: string, message = code) => Object.assign(new Error(message), { code });

test('when the server answers close_notify with close_notify then it accepted', () => {
  assert.equal(settleServerAlert(toAlert(1, 0)).verdict, 'accepted');
});

test('when the server answers with a fatal alert then it rejected with that alert', () => {
  const end = settleServerAlert(toAlert(2, 116));
  assert.equal(end.verdict, 'rejected-alert');
  assert.equal(end.alert?.name, 'certificate_required');
  assert.equal(end.error?.code, 'ALERT_RECEIVED');
});

test('when the connection closes after the verdict question then tickets decide', () => {
  assert.equal(settleVerdictClose(facts({ sessionTickets: 2 })).reason, 'tickets-then-close');
  const bare = settleVerdictClose(facts());
  assert.equal(bare.verdict, 'rejected-close');
  assert.equal(bare.error?.code, 'CLOSED_NO_ALERT');
});

const handshakeCases: Array<[string, TapFacts, Error & { code: string }, boolean, string, string]> =
  [
    [
      'HTTP bytes',
      facts({ firstServerBytes: Buffer.from('HTTP/1.1 400') }),
      nodeError('ERR_SSL_WRONG_VERSION_NUMBER'),
      false,
      'unknown',
      'NOT_TLS',
    ],
    [
      'an alert the tap read',
      facts({ serverAlerts: [toAlert(2, 48)] }),
      nodeError('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'),
      false,
      'rejected-alert',
      'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    ],
    [
      'an alert only Node saw',
      facts(),
      nodeError('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'x: SSL alert number 40'),
      false,
      'rejected-alert',
      'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    ],
    [
      'a reset after the ServerHello',
      facts(),
      nodeError('ECONNRESET'),
      true,
      'rejected-close',
      'CLOSED_NO_ALERT',
    ],
    [
      'a reset before the ServerHello',
      facts({ serverHello: undefined, firstServerBytes: Buffer.alloc(0) }),
      nodeError('ECONNRESET'),
      true,
      'unknown',
      'ECONNRESET',
    ],
    [
      'a local failure',
      facts({ clientAlert: toAlert(2, 80) }),
      nodeError('ERR_SSL_INTERNAL_ERROR'),
      false,
      'unknown',
      'ERR_SSL_INTERNAL_ERROR',
    ],
  ];

for (const [what, tapFacts, error, rawClosed, verdict, code] of handshakeCases) {
  test(`when the handshake fails with ${what} then the verdict is ${verdict} (${code})`, () => {
    const end = settleHandshakeError(tapFacts, error, rawClosed);
    assert.equal(end.verdict, verdict);
    assert.equal(end.error?.code, code);
  });
}

test('when an HTTP exchange ends then status, alert, close_notify and bare close are told apart', () => {
  assert.equal(settleHttpEnd(facts(), true).reason, 'http-response');
  assert.equal(
    settleHttpEnd(facts({ serverAlerts: [toAlert(2, 42)] }), false).alert?.name,
    'bad_certificate',
  );
  assert.equal(
    settleHttpEnd(facts({ serverAlerts: [toAlert(1, 0)] }), false).error?.code,
    'HTTP_NO_RESPONSE',
  );
  assert.equal(settleHttpEnd(facts(), false).verdict, 'rejected-close');
});

test('when the deadline passes then each phase names its own timeout', () => {
  assert.equal(
    settleTimeout('handshake', facts({ firstServerBytes: Buffer.alloc(0) }), false, 300).error
      ?.code,
    'HANDSHAKE_TIMEOUT',
  );
  assert.equal(
    settleTimeout('handshake', facts({ firstServerBytes: Buffer.from('SSH-2.0') }), false, 300)
      .notTls,
    true,
  );
  assert.equal(settleTimeout('verdict', facts(), false, 300).error?.code, 'VERDICT_TIMEOUT');
  assert.equal(settleTimeout('http', facts(), false, 300).error?.code, 'HTTP_TIMEOUT');
  assert.equal(settleTimeout('http', facts(), true, 300).verdict, 'accepted');
});
