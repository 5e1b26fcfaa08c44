import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closedBeforeHandshake, judgeFailedHandshake } from '../../../src/probe/listen-failures.js';

const openssl = (code: string, what: string, n: number) => ({
  code, message: `808C0F736C7F0000:error:0A000418:SSL routines:ssl3_read_bytes:${what}:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number ${n}`,
});

describe('judgeFailedHandshake', () => {
  const cases: Array<[string, { code?: string; message: string }, string, RegExp]> = [
    ['the client sends unknown_ca', openssl('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca', 48), 'server-cert-untrusted', /alert unknown_ca \(48\)/],
    ['the client sends bad_certificate', openssl('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate', 42), 'server-cert-untrusted', /name it dialled/],
    ['the client sends certificate_expired', openssl('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'sslv3 alert certificate expired', 45), 'server-cert-expired', /expired/],
    ['the client sends protocol_version', openssl('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tlsv1 alert protocol version', 70), 'protocol-version-mismatch', /TLS version/],
    ['the client speaks plain HTTP', { code: 'ERR_SSL_HTTP_REQUEST', message: 'SSL routines::http request' }, 'not-tls', /plain HTTP/],
    ['the client closes before its ClientHello', { code: 'ECONNRESET', message: 'socket hang up' }, 'not-tls', /closed the connection before finishing/],
    ['the failure is something else', { code: 'ERR_SSL_X', message: 'error:0A000126:SSL routines::unexpected eof while reading' }, 'client-cert-rejected', /ERR_SSL_X \(unexpected eof while reading\)/],
  ];
  for (const [what, error, code, reason] of cases) {
    test(`when ${what} then the code is ${code}`, () => {
      const j = judgeFailedHandshake(error);
      assert.equal(j.accepted, false);
      assert.equal(j.code, code);
      assert.match(j.reason, reason);
      assert.doesNotMatch(j.reason, /\.c:\d+/, 'no OpenSSL source paths');
    });
  }

  test('when a connection resets without an alert then it is a port check, and with an alert it is not', () => {
    assert.equal(closedBeforeHandshake({ code: 'ECONNRESET', message: 'socket hang up' }), true);
    assert.equal(closedBeforeHandshake(openssl('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca', 48)), false);
  });
});
