/**
 * Server mode: why a client's handshake failed before any certificate could
 * be judged. Most such failures are the client refusing this server (an alert
 * it sent), not this server refusing the client.
 */
import type { ClientJudgement } from './judge-client.js';
import type { DiagnosisCode } from './diagnosis-codes.js';
import { alertLabel } from './tls-names.js';

/** Alerts a client sends about the server's certificate, with the code they mean. */
const CLIENT_REFUSES_SERVER: Record<number, [DiagnosisCode, string]> = {
  48: ['server-cert-untrusted', 'it does not trust the CA of this server certificate: give the client the root in its --ca / trust store'],
  42: ['server-cert-untrusted', 'it rejected this server certificate, often because the name it dialled is not in the certificate\'s SANs'],
  46: ['server-cert-untrusted', 'it rejected this server certificate, often because the name it dialled is not in the certificate\'s SANs'],
  43: ['server-cert-wrong-purpose', 'it does not accept this certificate for a TLS server (extendedKeyUsage serverAuth?)'],
  45: ['server-cert-expired', 'it considers this server certificate expired (check both clocks)'],
  70: ['protocol-version-mismatch', 'it supports no TLS version this server offers'],
  40: ['no-shared-cipher', 'it shares no cipher suite or signature algorithm with this server'],
  71: ['no-shared-cipher', 'it shares no cipher suite with this server'],
};

/** Judges a client whose handshake failed, from Node's `tlsClientError`. */
export function judgeFailedHandshake(error: { code?: string; message: string }): ClientJudgement {
  const message = error.message;
  const alert = /SSL alert number (\d+)/.exec(message);
  if (alert) {
    const description = Number(alert[1]);
    const [code, why] = CLIENT_REFUSES_SERVER[description] ?? ['client-cert-rejected', 'it gave up on the handshake'];
    return { accepted: false, code, reason: `the client sent alert ${alertLabel(description)}: ${why}` };
  }
  if (/http request|wrong version number|packet length too long/i.test(message)) {
    return { accepted: false, code: 'not-tls', reason: 'the client did not speak TLS (plain HTTP or another protocol)' };
  }
  if (/version|protocol/i.test(message)) {
    return { accepted: false, code: 'protocol-version-mismatch', reason: `no common TLS version: ${shortReason(error)}` };
  }
  if (closedBeforeHandshake(error)) {
    return { accepted: false, code: 'not-tls', reason: 'the client closed the connection before finishing a TLS handshake (a port check, or a client that gave up)' };
  }
  return { accepted: false, code: 'client-cert-rejected', reason: `the handshake failed: ${shortReason(error)}` };
}

/** A connection that ended without any alert before the handshake: a TCP port check, not a client to judge. */
export function closedBeforeHandshake(error: { code?: string; message: string }): boolean {
  return !/SSL alert number/.test(error.message) && (error.code === 'ECONNRESET' || /socket hang up|disconnected/i.test(error.message));
}

/** OpenSSL's messages carry a file path and line; the part after the last "routines:" is what a person needs. */
function shortReason(error: { code?: string; message: string }): string {
  const tail = /routines:[^:]*:([^:]+)/.exec(error.message)?.[1] ?? error.message;
  return error.code ? `${error.code} (${tail})` : tail;
}
