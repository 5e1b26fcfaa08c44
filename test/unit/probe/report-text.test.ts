import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { renderReport } from '../../../src/probe/report-text.js';
import { diagnosis } from '../../../src/probe/diagnosis-codes.js';
import type { ProbeReport } from '../../../src/probe/report.js';

const plain = new Chalk({ level: 0 });

/** A report with no chains; cases set what the lines under test depend on. */
function report(overrides: Partial<ProbeReport>): ProbeReport {
  return {
    mode: 'client',
    target: { host: '127.0.0.1', port: 8443, address: '127.0.0.1' },
    timings: [{ step: 'resolve', ms: 0.1 }, { step: 'connect', ms: 0.2 }],
    tls: {}, serverChain: [], serverVerification: { verified: false },
    clientCertificate: { requested: false, acceptableCaNames: [], signatureAlgorithms: [], presented: [] },
    verdict: 'unknown',
    diagnosis: diagnosis('connection-refused', 'nothing accepts connections on 127.0.0.1:8443', ['ECONNREFUSED'], 'start the service'),
    ...overrides,
  };
}

describe('renderReport', () => {
  test('when the connection was refused then there is no server verdict line', () => {
    const text = renderReport(report({ error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8443' } }), plain);
    assert.doesNotMatch(text, /server verdict/);
    assert.match(text, /^connection-refused: /m);
  });

  test('when the local files ruled the probe out then there is no server verdict line', () => {
    const text = renderReport(report({ timings: [], verdict: 'not-attempted', diagnosis: diagnosis('client-key-mismatch', 'the key does not match', [], 'pass key.pem') }), plain);
    assert.doesNotMatch(text, /server verdict/);
    assert.match(text, /not connected/);
  });

  test('when nginx completes TLS and answers 400 then the verdict line says rejected at the HTTP layer', () => {
    const text = renderReport(report({
      tls: { protocol: 'TLSv1.3' }, verdict: 'accepted', verdictReason: 'http-response',
      http: { status: 400, statusText: 'Bad Request', bodyHead: '400 No required SSL certificate was sent' },
      diagnosis: diagnosis('client-cert-required', 'the server requires a client certificate', [], 'present --cert'),
    }), plain);
    assert.match(text, /^server verdict {2}rejected at the HTTP layer: HTTP 400 Bad Request/m);
    assert.doesNotMatch(text, /server verdict {2}accepted/);
  });

  test('when the server answers 200 then the verdict line says accepted', () => {
    const text = renderReport(report({
      tls: { protocol: 'TLSv1.3' }, verdict: 'accepted', verdictReason: 'http-response',
      http: { status: 200, statusText: 'OK', bodyHead: 'hi' },
      diagnosis: diagnosis('ok', 'the server accepted the client certificate', [], 'nothing to fix'),
    }), plain);
    assert.match(text, /^server verdict {2}accepted \(an HTTP response came back\); HTTP 200 OK$/m);
  });

  test('when the verdict timed out then the lines say no answer instead of an internal code', () => {
    const text = renderReport(report({
      tls: { protocol: 'TLSv1.3' }, timings: [{ step: 'verdict', ms: 2000 }], verdict: 'unknown',
      error: { code: 'VERDICT_TIMEOUT', message: 'no verdict within 2000 ms' },
      diagnosis: diagnosis('timeout', 'the handshake finished, but the server gave no verdict', [], 'raise --timeout'),
    }), plain);
    assert.match(text, /^ {2}verdict .* ms {2}no answer$/m);
    assert.match(text, /^server verdict {2}none within the timeout$/m);
  });

  test('when the server name equals the host then the heading does not repeat it', () => {
    const same = renderReport(report({ target: { host: 'api.internal', port: 443, servername: 'api.internal' } }), plain);
    const other = renderReport(report({ target: { host: '10.0.0.7', port: 443, servername: 'api.internal' } }), plain);
    assert.match(same, /^probe api\.internal:443$/m);
    assert.match(other, /^probe 10\.0\.0\.7:443 \(server name api\.internal\)$/m);
  });
});
