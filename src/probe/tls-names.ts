/** Human names for what TLS puts on the wire: alerts and distinguished names. */
import { decodeOid, readChildren, readElement } from '../pki/der-reader.js';

/** RFC 8446 6.2 / RFC 5246 7.2.2 alert descriptions with what they mean for a probe. */
const ALERTS: Record<number, [name: string, meaning: string]> = {
  0: ['close_notify', 'the peer closed the connection cleanly'],
  10: ['unexpected_message', 'the peer received a message it did not expect'],
  20: ['bad_record_mac', 'a record failed its integrity check'],
  22: ['record_overflow', 'a record was too long'],
  40: ['handshake_failure', 'no acceptable set of security parameters (or a required certificate is missing)'],
  42: ['bad_certificate', 'the certificate is corrupt or its signature does not verify'],
  43: ['unsupported_certificate', 'the certificate is of an unsupported type or purpose'],
  44: ['certificate_revoked', 'the certificate was revoked by its issuer'],
  45: ['certificate_expired', 'the certificate has expired or is not yet valid'],
  46: ['certificate_unknown', 'the certificate could not be accepted for an unspecified reason'],
  47: ['illegal_parameter', 'a handshake field was out of range or inconsistent'],
  48: ['unknown_ca', 'the certificate chain does not lead to a CA the peer trusts'],
  49: ['access_denied', 'the certificate is valid but the peer denied access'],
  50: ['decode_error', 'a message could not be decoded'],
  51: ['decrypt_error', 'a signature or key exchange failed (often a key that does not match the certificate)'],
  70: ['protocol_version', 'the peer does not support the offered TLS version'],
  71: ['insufficient_security', 'the peer requires stronger ciphers than offered'],
  80: ['internal_error', 'the peer had an internal error'],
  86: ['inappropriate_fallback', 'a downgrade was detected'],
  90: ['user_canceled', 'the peer cancelled the handshake'],
  109: ['missing_extension', 'a required extension was not sent'],
  110: ['unsupported_extension', 'an extension was not expected'],
  112: ['unrecognized_name', 'the server does not know the requested server name (SNI)'],
  113: ['bad_certificate_status_response', 'an OCSP response was invalid'],
  115: ['unknown_psk_identity', 'no acceptable pre-shared key'],
  116: ['certificate_required', 'the peer requires a certificate and none was sent'],
  120: ['no_application_protocol', 'no common ALPN protocol'],
};

/** The name of an alert number, e.g. `unknown_ca`; `alert_N` when unknown. */
export function alertName(description: number): string {
  return ALERTS[description]?.[0] ?? `alert_${description}`;
}

/** What an alert number means, in a few words. */
export function alertMeaning(description: number): string {
  return ALERTS[description]?.[1] ?? 'an alert mtlsctl does not know';
}

/** `unknown_ca (48)`. */
export function alertLabel(description: number): string {
  return `${alertName(description)} (${description})`;
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/**
 * Formats a DER Name in the order it is encoded (as `openssl -nameopt
 * oneline` does), e.g. `C=US, O=Acme, CN=Acme Root CA`.
 */
export function formatName(der: Buffer): string {
  try {
    const parts: string[] = [];
    for (const rdn of readChildren(readElement(der))) {
      for (const atv of readChildren(rdn)) {
        const [type, value] = readChildren(atv);
        if (!type || !value) continue;
        const key = ATTRIBUTE_NAMES[decodeOid(type.content)] ?? decodeOid(type.content);
        parts.push(`${key}=${decodeString(value.tag, value.content)}`);
      }
    }
    return parts.length > 0 ? parts.join(', ') : '(empty name)';
  } catch {
    return `(unreadable name, ${der.length} bytes)`;
  }
}

function decodeString(tag: number, content: Buffer): string {
  if (tag === 0x1e) return Buffer.from(content).swap16().toString('utf16le'); // BMPString
  return tag === 0x0c ? content.toString('utf8') : content.toString('latin1');
}

/** `CODE: reason`, with OpenSSL's error-stack noise cut down to its reason text. */
export function errorLine(error: { code: string; message: string }): string {
  const reason = /:SSL routines:[^:]*:([^:]+):/.exec(error.message)?.[1];
  const alert = /SSL alert number (\d+)/.exec(error.message)?.[1];
  const message = reason ? `${reason}${alert ? ` (alert ${alert})` : ''}` : error.message;
  return `${error.code}: ${message}`;
}
