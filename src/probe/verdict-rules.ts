/**
 * How an observed attempt ends, as pure rules over what the tap saw and what
 * Node reported (src/probe/tls-session.ts applies them as events arrive).
 */
import { alertFromNodeError } from './alerts.js';
import type { TapFacts } from './handshake-tap.js';
import { looksLikeTlsRecord } from './record-layer.js';
import { errorOf } from './session-facts.js';
import type { ServerVerdict, TlsAlert, VerdictReason } from './types.js';

/** The end of an attempt: verdict, what settled it, and the alert or error. */
export interface Settlement {
  verdict: ServerVerdict;
  reason: VerdictReason;
  alert?: TlsAlert;
  error?: { code: string; message: string };
  /** The peer does not speak TLS: its banner belongs in the observation. */
  notTls?: boolean;
}

/** An error Node reported, as far as the rules need it. */
export type NodeError = Error & { code?: string };

/** The phase an attempt was in when something happened. */
export type SessionPhase = 'handshake' | 'verdict' | 'http';

const CLOSE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

const accepted = (reason: VerdictReason): Settlement => ({ verdict: 'accepted', reason });

/** The first alert other than close_notify the server sent. */
export function fatalServerAlert(facts: TapFacts): TlsAlert | undefined {
  return facts.serverAlerts.find((a) => a.description !== 0);
}

function rejectedByAlert(alert: TlsAlert, error?: NodeError): Settlement {
  return {
    verdict: 'rejected-alert',
    reason: 'alert',
    alert,
    error: {
      code: error?.code ?? 'ALERT_RECEIVED',
      message: error
        ? errorOf(error, '').message
        : `the server sent alert ${alert.name} (${alert.description})`,
    },
  };
}

function rejectedByClose(detail: string): Settlement {
  const message = `the server closed the connection ${detail}`;
  return {
    verdict: 'rejected-close',
    reason: 'close',
    error: { code: 'CLOSED_NO_ALERT', message },
  };
}

function notTls(cause: string): Settlement {
  const message = `the server does not speak TLS (${cause})`;
  return {
    verdict: 'unknown',
    reason: 'no-tls',
    notTls: true,
    error: { code: 'NOT_TLS', message },
  };
}

function saidNonTls(facts: TapFacts): boolean {
  return facts.firstServerBytes.length > 0 && !looksLikeTlsRecord(facts.firstServerBytes);
}

/** TLS 1.3 after the client's close_notify: the server's alert is its answer. */
export function settleServerAlert(alert: TlsAlert): Settlement {
  return alert.description === 0 ? accepted('close-notify') : rejectedByAlert(alert);
}

/** TLS 1.3 after the client's close_notify: the connection closed with no alert. */
export function settleVerdictClose(facts: TapFacts): Settlement {
  // OpenSSL and Node servers send tickets only once they accept the client.
  if (facts.sessionTickets > 0) return accepted('tickets-then-close');
  return rejectedByClose('without an alert after receiving the client certificate');
}

/** Node gave up during the handshake: not TLS, an alert, a close, or a local error. */
export function settleHandshakeError(
  facts: TapFacts,
  error: NodeError,
  rawClosed: boolean,
): Settlement {
  const cause = error.code ?? error.message;
  if (saidNonTls(facts)) return notTls(cause);
  const fromNode = /ALERT/.test(error.code ?? '') ? alertFromNodeError(error) : undefined;
  const alert = fatalServerAlert(facts) ?? fromNode;
  if (alert) return rejectedByAlert(alert, error);
  const closed = rawClosed || CLOSE_CODES.has(error.code ?? '');
  // Before a ServerHello no certificate was judged: Node's own code stays.
  if (closed && !facts.serverHello) {
    return { verdict: 'unknown', reason: 'close', error: errorOf(error, 'ECONNRESET') };
  }
  if (closed && !facts.clientAlert)
    return rejectedByClose(`during the handshake without an alert (${cause})`);
  return { verdict: 'unknown', reason: 'client-abort', error: errorOf(error, 'ERR_TLS') };
}

/** With an HTTP request sent: decides once Node has delivered everything it read. */
export function settleHttpEnd(facts: TapFacts, hasStatus: boolean, error?: NodeError): Settlement {
  if (hasStatus) return accepted('http-response');
  const alert = fatalServerAlert(facts) ?? alertFromNodeError(error);
  if (alert) return rejectedByAlert(alert, error);
  if (facts.serverAlerts.length > 0) {
    const message = 'the server closed the TLS session without an HTTP response';
    return { ...accepted('close-notify'), error: { code: 'HTTP_NO_RESPONSE', message } };
  }
  const cause = error ? ` (${error.code ?? error.message})` : '';
  return rejectedByClose(`without an alert or HTTP response${cause}`);
}

/** Start of the HANDSHAKE_TIMEOUT message when not one byte came back (the diagnosis words it apart). */
export const SILENT_SERVER = 'the server sent nothing';

/** The deadline passed in the given phase. */
export function settleTimeout(
  phase: SessionPhase,
  facts: TapFacts,
  hasStatus: boolean,
  ms: number,
): Settlement {
  const unknown = (code: string, message: string): Settlement => ({
    verdict: 'unknown',
    reason: 'timeout',
    error: { code, message },
  });
  if (phase === 'handshake') {
    if (saidNonTls(facts)) return notTls('no TLS answer');
    const said =
      facts.firstServerBytes.length === 0
        ? SILENT_SERVER
        : 'the handshake did not complete';
    return unknown('HANDSHAKE_TIMEOUT', `${said} within ${ms} ms`);
  }
  if (phase === 'http') {
    return hasStatus
      ? accepted('http-response')
      : unknown('HTTP_TIMEOUT', `no HTTP response within ${ms} ms`);
  }
  return unknown(
    'VERDICT_TIMEOUT',
    `the server neither accepted nor rejected the client certificate within ${ms} ms`,
  );
}
