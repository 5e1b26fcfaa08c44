import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../../../src/probe/diagnose.js';
import { DIAGNOSIS_CODES, type DiagnosisCode } from '../../../src/probe/diagnosis-codes.js';
import type { HandshakeObservation } from '../../../src/probe/types.js';
import type { LocalMaterial } from '../../../src/probe/local-material.js';
import { makeTestCa, makeTestLeaf, type TestCa, type TestLeaf } from '../../helpers/mini-ca.js';
import { OID } from '../../../src/pki/oids.js';
import { readCertificate } from '../../../src/pki/der-reader.js';

const DAY = 86_400_000;
const now = new Date();

interface Fixtures {
  ca: TestCa;
  other: TestCa;
  selfSigned: TestCa;
  good: TestLeaf;
  foreign: TestLeaf;
  expired: TestLeaf;
  future: TestLeaf;
  serverOnly: TestLeaf;
  clientOnly: TestLeaf;
}

let f: Fixtures;

function chainOf(leaf: TestLeaf, ca: TestCa): Buffer[] {
  return ca.intermediate ? [leaf.der, ca.intermediate.der] : [leaf.der];
}

/** A TLS 1.3 observation that a server accepted; cases override what differs. */
function observed(overrides: Partial<HandshakeObservation> = {}): HandshakeObservation {
  return {
    host: '127.0.0.1', port: 8443, address: '127.0.0.1', servername: 'localhost',
    timings: [{ step: 'resolve', ms: 0.1 }, { step: 'connect', ms: 0.3 }, { step: 'handshake', ms: 2 }, { step: 'verdict', ms: 1 }],
    protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384',
    serverChain: chainOf(f.good, f.ca), certificateRequested: true,
    acceptableCaNames: [readCertificate(f.ca.root.der).subject], signatureAlgorithms: [0x0403],
    clientChainSent: chainOf(f.good, f.ca), verdict: 'accepted',
    ...overrides,
  };
}

function material(overrides: Partial<LocalMaterial> = {}): LocalMaterial {
  return { clientChain: chainOf(f.good, f.ca), keyMatchesCert: true, serverTrust: [f.ca.root.der], servername: 'localhost', ...overrides };
}

const alert = (description: number, name: string) => ({ level: 'fatal' as const, description, name });
const failed = (code: string, message = code) => ({ error: { code, message }, serverChain: [], protocol: undefined, clientChainSent: [], certificateRequested: false, acceptableCaNames: [], verdict: 'unknown' as const });

interface Case {
  title: string;
  code: DiagnosisCode;
  exit: number;
  obs: () => Partial<HandshakeObservation>;
  local?: () => Partial<LocalMaterial>;
  evidence?: RegExp;
}

const cases: Case[] = [
  { title: 'the server accepts the client certificate', code: 'ok', exit: 0, obs: () => ({}) },
  { title: 'the name does not resolve', code: 'dns-failure', exit: 5, obs: () => ({ ...failed('ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.invalid'), timings: [] }) },
  { title: 'the port refuses connections', code: 'connection-refused', exit: 5, obs: () => failed('ECONNREFUSED') },
  { title: 'the server never answers the ClientHello', code: 'timeout', exit: 5, obs: () => failed('HANDSHAKE_TIMEOUT') },
  { title: 'the port speaks plain HTTP', code: 'not-tls', exit: 5, obs: () => ({ ...failed('NOT_TLS'), nonTlsBanner: 'HTTP/1.1 400 Bad Request\r\n' }), evidence: /HTTP\/1\.1 400/ },
  { title: 'the server only speaks TLS 1.2 and the client requires 1.3', code: 'protocol-version-mismatch', exit: 1, obs: () => ({ ...failed('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tlsv1 alert protocol version: SSL alert number 70') }) },
  { title: 'the server answers the ClientHello with handshake_failure', code: 'no-shared-cipher', exit: 1, obs: () => ({ ...failed('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'sslv3 alert handshake failure: SSL alert number 40') }) },
  { title: 'the server refuses the ClientHello with unrecognized_name', code: 'server-name-mismatch', exit: 1, obs: () => ({ ...failed('ERR_SSL_TLSV1_UNRECOGNIZED_NAME', 'tlsv1 unrecognized name: SSL alert number 112') }) },
  { title: 'the server closes right after the ClientHello', code: 'not-tls', exit: 5, obs: () => failed('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established') },
  { title: 'the server closes without an alert after its ServerHello', code: 'handshake-aborted', exit: 5, obs: () => failed('CLOSED_NO_ALERT', 'the server closed the connection during the handshake without an alert (ECONNRESET)'), evidence: /CLOSED_NO_ALERT/ },
  { title: 'getaddrinfo rejects the name with EINVAL', code: 'dns-failure', exit: 5, obs: () => ({ ...failed('EINVAL', 'getaddrinfo EINVAL aaaa'), timings: [{ step: 'resolve', ms: 0.1 }] }), evidence: /EINVAL/ },
  { title: 'a local firewall refuses the connect with EPERM', code: 'host-unreachable', exit: 5, obs: () => ({ ...failed('EPERM', 'connect EPERM 127.0.0.1:8443'), timings: [{ step: 'resolve', ms: 0.1 }, { step: 'connect', ms: 0.1 }] }) },
  { title: 'there is no route to the address', code: 'host-unreachable', exit: 5, obs: () => failed('ENETUNREACH', 'connect ENETUNREACH 10.9.9.9:443') },
  { title: 'the server chain comes from another CA', code: 'server-cert-untrusted', exit: 1, obs: () => ({ serverChain: chainOf(f.foreign, f.other), serverAuthorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }), evidence: /Other Root CA/ },
  { title: 'the server certificate has expired', code: 'server-cert-expired', exit: 1, obs: () => ({ serverChain: chainOf(f.expired, f.ca), serverAuthorizationError: 'CERT_HAS_EXPIRED' }), evidence: /notAfter/ },
  { title: 'the server certificate is not yet valid', code: 'server-cert-not-yet-valid', exit: 1, obs: () => ({ serverChain: chainOf(f.future, f.ca), serverAuthorizationError: 'CERT_NOT_YET_VALID' }) },
  { title: 'the server certificate does not name the host', code: 'server-name-mismatch', exit: 1, obs: () => ({ serverAuthorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID' }), local: () => ({ servername: 'payments.internal' }), evidence: /DNS:localhost/ },
  { title: 'the server sends its leaf without the intermediate', code: 'server-chain-incomplete', exit: 1, obs: () => ({ serverChain: [f.good.der], serverAuthorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }) },
  { title: 'the server certificate is self-signed', code: 'server-cert-self-signed', exit: 1, obs: () => ({ serverChain: [f.selfSigned.root.der], serverAuthorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) },
  { title: 'the server certificate lacks serverAuth', code: 'server-cert-wrong-purpose', exit: 1, obs: () => ({ serverChain: chainOf(f.clientOnly, f.ca), serverAuthorizationError: 'INVALID_PURPOSE' }), evidence: /extendedKeyUsage: clientAuth$/m },
  { title: 'TLS 1.3 server sends certificate_required to a client without a certificate', code: 'client-cert-required', exit: 1, obs: () => ({ clientChainSent: [], verdict: 'rejected-alert', alertReceived: alert(116, 'certificate_required') }) },
  { title: 'TLS 1.2 server sends handshake_failure after requesting a certificate', code: 'client-cert-required', exit: 1, obs: () => ({ protocol: 'TLSv1.2', clientChainSent: [], verdict: 'rejected-alert', alertReceived: alert(40, 'handshake_failure') }) },
  { title: 'OpenSSL answers unknown_ca to a client from another CA', code: 'client-cert-unknown-ca', exit: 1, obs: () => ({ clientChainSent: chainOf(f.foreign, f.other), verdict: 'rejected-alert', alertReceived: alert(48, 'unknown_ca') }), evidence: /server accepts CA names: CN=Test Root CA/ },
  { title: 'a Node.js server closes on a client from another CA', code: 'client-cert-unknown-ca', exit: 1, obs: () => ({ clientChainSent: chainOf(f.foreign, f.other), verdict: 'rejected-close' }), evidence: /without an alert/ },
  { title: 'the client sends its leaf without the intermediate', code: 'client-cert-unknown-ca', exit: 1, obs: () => ({ clientChainSent: [f.good.der], verdict: 'rejected-alert', alertReceived: alert(48, 'unknown_ca') }), local: () => ({ clientTrust: [f.ca.root.der] }), evidence: /only its leaf/ },
  { title: 'OpenSSL answers certificate_expired', code: 'client-cert-expired', exit: 1, obs: () => ({ clientChainSent: chainOf(f.expired, f.ca), verdict: 'rejected-alert', alertReceived: alert(45, 'certificate_expired') }), evidence: /notAfter/ },
  { title: 'a Node.js server closes on an expired client', code: 'client-cert-expired', exit: 1, obs: () => ({ clientChainSent: chainOf(f.expired, f.ca), verdict: 'rejected-close' }) },
  { title: 'OpenSSL answers unsupported_certificate to a client without clientAuth', code: 'client-cert-wrong-purpose', exit: 1, obs: () => ({ clientChainSent: chainOf(f.serverOnly, f.ca), verdict: 'rejected-alert', alertReceived: alert(43, 'unsupported_certificate') }) },
  { title: 'a Node.js server closes on a client without clientAuth', code: 'client-cert-wrong-purpose', exit: 1, obs: () => ({ clientChainSent: chainOf(f.serverOnly, f.ca), verdict: 'rejected-close' }) },
  { title: 'the key does not belong to the certificate', code: 'client-key-mismatch', exit: 1, obs: () => failed('ERR_OSSL_X509_KEY_VALUES_MISMATCH'), local: () => ({ keyMatchesCert: false }) },
  { title: 'the server sends access_denied to a sound certificate', code: 'client-cert-rejected', exit: 1, obs: () => ({ verdict: 'rejected-alert', alertReceived: alert(49, 'access_denied') }), evidence: /access_denied \(49\)/ },
  { title: 'the server accepts a client without a certificate', code: 'mtls-not-enforced', exit: 1, obs: () => ({ clientChainSent: [], certificateRequested: false }), local: () => ({ clientChain: [] }) },
  { title: 'the server accepts a client without a certificate and its own certificate does not name the host', code: 'server-name-mismatch', exit: 1, obs: () => ({ clientChainSent: [], certificateRequested: false, serverAuthorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID' }), local: () => ({ clientChain: [], servername: 'payments.internal' }), evidence: /also: mtls-not-enforced/ },
  { title: 'nginx answers 400 "No required SSL certificate was sent"', code: 'client-cert-required', exit: 1, obs: () => ({ clientChainSent: [], http: { status: 400, statusText: 'Bad Request', bodyHead: '<html><head><title>400 No required SSL certificate was sent</title></head>' } }) },
  { title: 'nginx answers 400 "The SSL certificate error" to an expired client', code: 'client-cert-expired', exit: 1, obs: () => ({ clientChainSent: chainOf(f.expired, f.ca), http: { status: 400, statusText: 'Bad Request', bodyHead: '<html><head><title>400 The SSL certificate error</title></head>' } }), evidence: /HTTP 400/ },
  { title: 'nginx answers 200 to a client with a certificate', code: 'ok', exit: 0, obs: () => ({ http: { status: 200, statusText: 'OK', bodyHead: 'hello' } }) },
  { title: 'the server sends its leaf twice but accepts the client', code: 'ok', exit: 0, obs: () => ({ serverChain: [chainOf(f.good, f.ca)[0]!, ...chainOf(f.good, f.ca)] }), evidence: /warning: the server sends 1 certificate\(s\) more than once \(positions 0, 1\)/ },
  { title: 'a lax server accepts an expired client from another CA', code: 'ok', exit: 0, obs: () => ({ clientChainSent: [f.expired.der] , acceptableCaNames: [readCertificate(f.other.root.der).subject] }), evidence: /warning: .* outside its validity[\s\S]*may accept any certificate/ },
];

/** How the timeout summary names the step that stalled. */
const timeouts: Array<[string, Partial<HandshakeObservation>, RegExp]> = [
  ['the resolver never answers', { ...failed('ETIMEDOUT', 'resolve did not finish within the timeout'), timings: [{ step: 'resolve', ms: 5000 }] }, /did not resolve within the timeout/],
  ['the TCP connection never completes', { ...failed('ETIMEDOUT', 'connect did not finish within the timeout'), timings: [{ step: 'resolve', ms: 1 }, { step: 'connect', ms: 5000 }] }, /did not accept a TCP connection/],
  ['the server accepts TCP and says nothing', failed('HANDSHAKE_TIMEOUT', 'the server sent nothing within 5000 ms'), /accepted TCP but never answered the TLS ClientHello/],
  ['a TLS 1.3 server never judges the client', { verdict: 'unknown', error: { code: 'VERDICT_TIMEOUT', message: 'the server neither accepted nor rejected the client certificate within 2000 ms' } }, /server gave no verdict/],
  ['the server never answers the HTTP request', { verdict: 'unknown', error: { code: 'HTTP_TIMEOUT', message: 'no HTTP response within 2000 ms' } }, /no HTTP response came back/],
  ['the server stalls mid-handshake', failed('HANDSHAKE_TIMEOUT', 'the handshake did not complete within 5000 ms'), /stalled before finishing/],
];

describe('diagnose', () => {
  before(async () => {
    const ca = await makeTestCa();
    const other = await makeTestCa({ name: 'Other Root CA' });
    f = {
      ca, other,
      selfSigned: await makeTestCa({ name: 'localhost', intermediate: false }),
      good: await makeTestLeaf(ca),
      foreign: await makeTestLeaf(other),
      expired: await makeTestLeaf(ca, { notBefore: new Date(now.getTime() - 60 * DAY), notAfter: new Date(now.getTime() - DAY) }),
      future: await makeTestLeaf(ca, { notBefore: new Date(now.getTime() + DAY), notAfter: new Date(now.getTime() + 60 * DAY) }),
      serverOnly: await makeTestLeaf(ca, { extKeyUsages: [OID.serverAuth] }),
      clientOnly: await makeTestLeaf(ca, { extKeyUsages: [OID.clientAuth] }),
    };
  });

  for (const c of cases) {
    test(`when ${c.title} then the code is ${c.code} with exit ${c.exit}`, () => {
      const d = diagnose(observed(c.obs()), material(c.local?.() ?? {}), now);
      assert.equal(d.code, c.code, `${d.summary}\n${d.evidence.join('\n')}`);
      assert.equal(d.exitCode, c.exit);
      assert.ok(d.summary.length > 0 && !d.summary.includes('\n'));
      assert.ok(d.hint.length > 0);
      if (c.evidence) assert.match(d.evidence.join('\n'), c.evidence);
    });
  }

  for (const [what, obs, summary] of timeouts) {
    test(`when ${what} then the timeout summary names that step`, () => {
      const d = diagnose(observed(obs), material(), now);
      assert.equal(d.code, 'timeout');
      assert.match(d.summary, summary);
    });
  }

  test('when the client distrusts the server and the server answers unknown_ca then both problems are named', () => {
    const obs = observed({ serverChain: chainOf(f.foreign, f.other), serverAuthorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', clientChainSent: chainOf(f.foreign, f.other), verdict: 'rejected-alert', alertReceived: alert(48, 'unknown_ca') });
    const d = diagnose(obs, material(), now);
    assert.equal(d.code, 'server-cert-untrusted');
    assert.match(d.evidence.at(-1)!, /^also: client-cert-unknown-ca: /);
  });

  test('when the client distrusts the server that accepted it then no second problem is named', () => {
    const d = diagnose(observed({ serverChain: chainOf(f.foreign, f.other), serverAuthorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }), material(), now);
    assert.equal(d.code, 'server-cert-untrusted');
    assert.doesNotMatch(d.evidence.join('\n'), /also:/);
  });

  test('when a certificate was given but the client did not send it then the summary says it could not be used', () => {
    const obs = observed({ clientChainSent: [], verdict: 'rejected-alert', alertReceived: alert(116, 'certificate_required') });
    const given = diagnose(obs, material(), now);
    const none = diagnose(obs, material({ clientChain: [], keyMatchesCert: undefined }), now);
    assert.equal(given.code, 'client-cert-required');
    assert.match(given.summary, /the one given could not be used \(ec key\)/);
    assert.match(given.hint, /key type/);
    assert.match(none.summary, /none was presented/);
  });

  test('when a certificate was given but the server never asked for one and answers 495 then the fix is on the server', () => {
    const obs = observed({ certificateRequested: false, acceptableCaNames: [], clientChainSent: [], http: { status: 495, statusText: 'SSL Certificate Error', bodyHead: '' } });
    const d = diagnose(obs, material(), now);
    assert.equal(d.code, 'client-cert-required');
    assert.match(d.summary, /never asks for one/);
    assert.match(d.hint, /ssl_verify_client/);
    assert.match(d.evidence[0]!, /answered HTTP 495 SSL Certificate Error$/);
  });

  test('when the client certificate expired then the summary says how long ago', () => {
    const d = diagnose(observed({ clientChainSent: chainOf(f.expired, f.ca), verdict: 'rejected-alert', alertReceived: alert(45, 'certificate_expired') }), material(), now);
    assert.match(d.summary, /^the client certificate expired on \S+ \(\d+ (hours|day|days) ago\)$/);
  });

  test('when the server certificate expired then the summary says how long ago', () => {
    const d = diagnose(observed({ serverChain: chainOf(f.expired, f.ca), serverAuthorizationError: 'CERT_HAS_EXPIRED' }), material(), now);
    assert.match(d.summary, /expired on \S+ \(\d+ (hours|day|days) ago\)$/);
  });

  test('when the table is read then every diagnosis code has a case', () => {
    const covered = new Set(cases.map((c) => c.code));
    assert.deepEqual(DIAGNOSIS_CODES.filter((code) => !covered.has(code)), []);
  });
});
