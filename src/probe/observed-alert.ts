/** The alert behind an observation, from the observer or from Node's error. */
import type { HandshakeObservation, TlsAlert } from './types.js';
import { alertName } from './tls-names.js';

/** Node error codes whose message may lack the alert number. */
const CODE_ALERTS: Record<string, number> = {
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 48,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 45,
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 116,
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 40,
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 42,
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 43,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 46,
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 70,
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 49,
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 51,
};

/** The fatal alert the server sent, if any. */
export function alertOf(obs: HandshakeObservation): TlsAlert | undefined {
  if (obs.alertReceived) return obs.alertReceived;
  const error = obs.error;
  if (!error) return undefined;
  const fromMessage = /SSL alert number (\d+)/.exec(error.message);
  const description = fromMessage ? Number(fromMessage[1]) : CODE_ALERTS[error.code];
  return description === undefined ? undefined : { level: 'fatal', description, name: alertName(description) };
}
