/**
 * TLS alert descriptions, so an observed alert carries its RFC name next to
 * its number. Covers RFC 8446 6.2, the older values RFC 5246 7.2 still lists,
 * and the later registrations peers are seen to send (RFC 8446 / 8449 / 9147).
 */
import type { TlsAlert } from './types.js';

/** AlertDescription number -> RFC name, as in the IANA TLS Alerts registry. */
export const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  52: 'too_many_cids_requested',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  111: 'certificate_unobtainable',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  114: 'bad_certificate_hash_value',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
  121: 'ech_required',
};

/** Returns the RFC name of an alert description, or `unknown_alert_N`. */
export function alertName(description: number): string {
  return ALERT_NAMES[description] ?? `unknown_alert_${description}`;
}

/** Builds a TlsAlert from the two bytes of an Alert message (level as sent). */
export function toAlert(levelByte: number, description: number): TlsAlert {
  const level = levelByte === 1 ? 'warning' : 'fatal';
  return { level, description, name: alertName(description) };
}

/**
 * Reads the alert number Node puts in its error messages ("SSL alert number
 * 48"), for when the record itself could not be read.
 */
export function alertFromNodeError(error: { message?: string } | undefined): TlsAlert | undefined {
  const match = /alert number (\d+)/.exec(error?.message ?? '');
  return match ? toAlert(2, Number(match[1])) : undefined;
}
