/** The stable diagnosis codes of `mtlsctl probe`, with exit status and usual fix. */
import { EXIT, type ExitCode } from '../errors.js';

/** Every diagnosis code; a released code never changes meaning. */
export const DIAGNOSIS_CODES = [
  'ok',
  'dns-failure',
  'connection-refused',
  'timeout',
  'not-tls',
  'host-unreachable',
  'handshake-aborted',
  'protocol-version-mismatch',
  'no-shared-cipher',
  'server-cert-untrusted',
  'server-cert-expired',
  'server-cert-not-yet-valid',
  'server-name-mismatch',
  'server-chain-incomplete',
  'server-cert-self-signed',
  'server-cert-wrong-purpose',
  'client-cert-required',
  'client-cert-unknown-ca',
  'client-cert-expired',
  'client-cert-wrong-purpose',
  'client-key-mismatch',
  'client-cert-rejected',
  'mtls-not-enforced',
] as const;

/** One diagnosis code. */
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/** The one verdict of a probe. */
export interface Diagnosis {
  code: DiagnosisCode;
  /** One plain sentence. */
  summary: string;
  /** Facts that led to the code, one per line. */
  evidence: string[];
  /** The fix, a command where possible. */
  hint: string;
  exitCode: ExitCode;
}

/** No TLS endpoint can be reached at that address: exit 5 (as `inspect` exits for NOT_TLS). */
const UNREACHABLE: ReadonlySet<DiagnosisCode> = new Set(['dns-failure', 'connection-refused', 'timeout', 'not-tls', 'host-unreachable', 'handshake-aborted']);

/** The exit status of a code: 0 ok, 5 unreachable (not-tls included), 1 for every finding. */
export function exitCodeOf(code: DiagnosisCode): ExitCode {
  if (code === 'ok') return EXIT.ok;
  return UNREACHABLE.has(code) ? EXIT.network : EXIT.checkFailed;
}

/** Builds a Diagnosis with the code's exit status. */
export function diagnosis(code: DiagnosisCode, summary: string, evidence: string[], hint: string): Diagnosis {
  return { code, summary, evidence, hint, exitCode: exitCodeOf(code) };
}

/** Meaning and typical fix of each code, for help and README. */
export const DIAGNOSIS_TABLE: ReadonlyArray<[code: DiagnosisCode, meaning: string, fix: string]> = [
  ['ok', 'the server accepted the client certificate', ''],
  ['dns-failure', 'the host name does not resolve', 'check the name; `getent hosts HOST`'],
  ['connection-refused', 'nothing accepts TCP connections on that address and port', 'start the service or use the right port'],
  ['timeout', 'no answer (TCP, TLS or the verdict) within --timeout', 'check firewalls and network policies; raise --timeout'],
  ['not-tls', 'the port answers, but not with TLS (plain HTTP, SSH, ...), or closes at once', 'use the TLS port or enable TLS on the server'],
  ['host-unreachable', 'no network route to the address (EHOSTUNREACH, ENETUNREACH)', 'check the address, routes and VPN: `ip route get ADDRESS`'],
  ['handshake-aborted', 'the server began TLS (ServerHello), then closed without an alert before its certificate', 'read the server log; look for a proxy that cuts TLS'],
  ['protocol-version-mismatch', 'client and server share no TLS version', 'align --tls-min/--tls-max with the server (`ssl_protocols`)'],
  ['no-shared-cipher', 'no common cipher suite, signature algorithm or ALPN: the ClientHello was refused', 'enable a common suite; check the key type the server certificate uses'],
  ['server-cert-untrusted', 'the server chain does not lead to a CA in --ca', 'pass the issuing root with --ca, or reissue the server certificate from your CA'],
  ['server-cert-expired', 'a certificate of the server chain has expired', 'renew it: `mtlsctl issue` and reload the server'],
  ['server-cert-not-yet-valid', 'a certificate of the server chain is not valid yet', 'check the clocks of the CA host and the server'],
  ['server-name-mismatch', 'the server certificate does not name the host or --servername (or unrecognized_name)', 'use a name from its SANs, or add the name to the manifest and reissue'],
  ['server-chain-incomplete', 'the server sent its leaf without the intermediate', 'serve chain.pem (leaf then intermediate), not cert.pem'],
  ['server-cert-self-signed', 'the server presents a self-signed certificate', 'serve a certificate issued by your CA (`mtlsctl issue`)'],
  ['server-cert-wrong-purpose', 'the server certificate lacks extendedKeyUsage serverAuth', 'reissue it with usage server or both'],
  ['client-cert-required', 'the server wants a client certificate and none was presented', 'pass --cert chain.pem --key key.pem'],
  ['client-cert-unknown-ca', 'the server does not trust the CA of the client certificate', 'add the client CA to the server trust bundle, or reissue the client from the CA the server trusts'],
  ['client-cert-expired', 'the client certificate (or its intermediate) has expired or is not yet valid', 'renew it: `mtlsctl issue`'],
  ['client-cert-wrong-purpose', 'the client certificate lacks extendedKeyUsage clientAuth', 'reissue it with usage client or both'],
  ['client-key-mismatch', 'the client key does not belong to the client certificate (checked before connecting)', 'pass the key.pem written next to the certificate'],
  ['client-cert-rejected', 'the server rejected the client certificate for another reason (alert named)', 'read the server log for the alert reason'],
  ['mtls-not-enforced', 'the server accepted a client that presented no certificate', 'require client certificates on the server (`ssl_verify_client on`, `requestCert` + `rejectUnauthorized`)'],
];
