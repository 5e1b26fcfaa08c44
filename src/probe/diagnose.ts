/**
 * Turns one observed handshake plus the local files into one diagnosis:
 * first what stops the attempt before TLS, then the server's certificate,
 * then the server's verdict on the client.
 */
import type { HandshakeObservation } from './types.js';
import type { LocalMaterial } from './local-material.js';
import { diagnosis, type Diagnosis } from './diagnosis-codes.js';
import { diagnoseServerCert } from './diagnose-server.js';
import { diagnoseClientVerdict } from './diagnose-client.js';
import { alertOf } from './observed-alert.js';
import { alertLabel, errorLine } from './tls-names.js';
import { SILENT_SERVER } from './verdict-rules.js';

export type { Diagnosis, DiagnosisCode } from './diagnosis-codes.js';

/** Names the one cause of an observed handshake's outcome. */
export function diagnose(observation: HandshakeObservation, local: LocalMaterial, now: Date): Diagnosis {
  const early = diagnoseLocal(local) ?? diagnoseUnreachable(observation) ?? diagnoseNegotiation(observation);
  if (early) return early;
  const result = diagnoseHandshake(observation, local, now);
  result.evidence.push(...repeatedInChain(observation.serverChain));
  return result;
}

/** A server chain that repeats a certificate works, but says its chain file was assembled wrongly. */
function repeatedInChain(chain: Buffer[]): string[] {
  const repeated = chain.filter((der, i) => chain.findIndex((other) => other.equals(der)) !== i);
  if (repeated.length === 0) return [];
  return [`warning: the server sends ${repeated.length} certificate(s) more than once (positions ${chain.map((d, i) => (repeated.some((r) => r.equals(d)) ? i : -1)).filter((i) => i >= 0).join(', ')}); fix the server's chain file: its own certificate once, then the intermediates`];
}

function diagnoseHandshake(observation: HandshakeObservation, local: LocalMaterial, now: Date): Diagnosis {
  const server = diagnoseServerCert(observation, local, now);
  if (!server) return diagnoseClientVerdict(observation, local, now);
  // Both sides can be wrong at once; without this line the second problem
  // shows up only after the first fix. A server that takes clients without a
  // certificate is always named: it is a security finding, not a detail.
  const client = diagnoseClientVerdict(observation, local, now);
  const rejectedClient = CLIENT_CERT_ALERTS.has(alertOf(observation)?.description ?? -1) && client.code !== 'ok';
  if (rejectedClient || client.code === 'mtls-not-enforced') {
    server.evidence.push(`also: ${client.code}: ${client.summary}`);
  }
  return server;
}

/** Alerts by which a server turns down the client certificate, not the handshake as such. */
const CLIENT_CERT_ALERTS = new Set([42, 43, 44, 45, 46, 48, 49, 116]);

/** Problems visible in the local files alone, found before connecting. */
export function diagnoseLocal(local: LocalMaterial): Diagnosis | undefined {
  if (local.keyMatchesCert !== false) return undefined;
  return diagnosis(
    'client-key-mismatch',
    'the client key does not belong to the client certificate, so no server can accept it',
    ['the public key in the certificate does not match the private key (checked locally, before connecting)'],
    'pass the key.pem written next to the certificate by `mtlsctl issue`, or reissue the certificate for this key',
  );
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const REFUSED = new Set(['ECONNREFUSED']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN']);
const TIMEOUT = new Set(['ETIMEDOUT', 'HANDSHAKE_TIMEOUT', 'ECONNABORTED']);
const NOT_TLS = new Set(['NOT_TLS', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_RECORD_LENGTH_MISMATCH']);

function diagnoseUnreachable(obs: HandshakeObservation): Diagnosis | undefined {
  const code = obs.error?.code;
  if (!code) return undefined;
  const where = `${obs.host}:${obs.port}`;
  const evidence = [errorLine(obs.error!)];
  if (DNS.has(code)) {
    return diagnosis('dns-failure', `the name ${obs.host} does not resolve`, evidence, `check the name and the resolver: getent hosts ${obs.host}`);
  }
  const address = obs.address && obs.address !== obs.host ? ` (${obs.address})` : '';
  if (REFUSED.has(code)) {
    return diagnosis('connection-refused', `nothing accepts connections on ${where}${address}`, evidence, `start the service or use its port; on the server: ss -ltnp | grep :${obs.port}`);
  }
  if (UNREACHABLE.has(code)) {
    return diagnosis('host-unreachable', `there is no network route to ${where}${address}`, evidence, `check the address, routes and VPN on this machine: ip route get ${obs.address ?? obs.host}`);
  }
  if (TIMEOUT.has(code) && obs.serverChain.length === 0) return timedOut(obs, where, evidence);
  const before = beforeTls(obs, where, address, evidence);
  if (before) return before;
  if (NOT_TLS.has(code)) {
    const banner = obs.nonTlsBanner ? [`the server's first bytes: ${JSON.stringify(obs.nonTlsBanner.slice(0, 60))}`] : [];
    return diagnosis('not-tls', `${where} answers, but not with TLS${speaks(obs.nonTlsBanner)}`, [...banner, ...evidence], 'use the TLS port of the service, or enable TLS on the server');
  }
  return undefined;
}

/** Any other failure in resolution or connect: never let it read as a TLS outcome. */
function beforeTls(obs: HandshakeObservation, where: string, address: string, evidence: string[]): Diagnosis | undefined {
  const step = obs.timings.at(-1)?.step;
  const code = obs.error!.code;
  if (obs.protocol || obs.serverChain.length > 0 || NOT_TLS.has(code)) return undefined;
  if (step === 'resolve') {
    return diagnosis('dns-failure', `the name ${obs.host} cannot be resolved (${code})`, evidence, `check the name and the resolver: getent hosts ${obs.host}`);
  }
  // A reset right after accept still means "speaks no TLS" (refusedHello); other errnos are the connect itself.
  if (step === 'connect' && /^E[A-Z]+$/.test(code) && !['ECONNRESET', 'EPIPE'].includes(code)) {
    return diagnosis('host-unreachable', `cannot connect to ${where}${address} (${code})`, evidence, `check local firewall rules and routes: ip route get ${obs.address ?? obs.host}`);
  }
  return undefined;
}

/** The deadline passed before any certificate: which step stalled decides the advice. */
function timedOut(obs: HandshakeObservation, where: string, evidence: string[]): Diagnosis {
  const stalled = obs.timings.at(-1)?.step;
  if (obs.error?.code === 'ETIMEDOUT' && stalled === 'resolve') {
    return diagnosis('timeout', `the name ${obs.host} did not resolve within the timeout`, evidence, `check the resolver: getent hosts ${obs.host}`);
  }
  if (obs.error?.code === 'ETIMEDOUT') {
    return diagnosis('timeout', `${where} did not accept a TCP connection within the timeout`, evidence, 'check firewalls and network policies between client and server, or raise --timeout');
  }
  if (obs.error?.message.startsWith(SILENT_SERVER)) {
    return diagnosis('timeout', `${where} accepted TCP but never answered the TLS ClientHello`, evidence, 'check that this is the TLS port (some protocols wait for the client to speak), or look for a stuck server or proxy');
  }
  return diagnosis('timeout', `${where} started the TLS handshake but stalled before finishing it`, evidence, 'look for a stuck server or a proxy in between; raise --timeout if the server is just slow');
}

/** What a non-TLS banner suggests the port speaks. */
function speaks(banner: string | undefined): string {
  if (!banner) return '';
  if (/^HTTP\/|<!DOCTYPE|<html/i.test(banner)) return ' (it speaks plain HTTP)';
  if (banner.startsWith('SSH-')) return ' (it speaks SSH)';
  if (/^(220 |\+OK)/.test(banner)) return ' (it speaks a mail protocol)';
  return '';
}

const VERSION_CODES = ['ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ERR_SSL_VERSION_TOO_LOW', 'ERR_SSL_WRONG_SSL_VERSION', 'ERR_SSL_UNSUPPORTED_SSL_VERSION'];
const CIPHER_CODES = ['ERR_SSL_NO_SHARED_CIPHER', 'ERR_SSL_NO_CIPHERS_AVAILABLE', 'ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM', 'ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY', 'ERR_SSL_NO_SHARED_SIGNATURE_ALGORITHMS'];

/** Failures to agree on version or cipher, before any certificate is seen. */
function diagnoseNegotiation(obs: HandshakeObservation): Diagnosis | undefined {
  const code = obs.error?.code ?? '';
  const alert = alertOf(obs);
  const beforeServerHello = !obs.protocol && obs.serverChain.length === 0;
  const evidence = [obs.error ? errorLine(obs.error) : '', alert ? `alert ${alertLabel(alert.description)} received` : ''].filter(Boolean);
  if (VERSION_CODES.includes(code) || alert?.description === 70) {
    return diagnosis('protocol-version-mismatch', 'client and server support no common TLS version', evidence, 'allow a version both sides speak: --tls-min/--tls-max here, `ssl_protocols` (nginx) or minVersion/maxVersion on the server');
  }
  const handshakeFailure = alert?.description === 40 || code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE';
  if (CIPHER_CODES.includes(code) || alert?.description === 71 || (handshakeFailure && beforeServerHello)) {
    return diagnosis('no-shared-cipher', 'client and server share no cipher suite or signature algorithm', evidence, 'enable a cipher suite both sides accept (`ssl_ciphers` on nginx, `-cipher`/`-ciphersuites` on OpenSSL), or use a key type both sides support');
  }
  return beforeServerHello ? refusedHello(obs, alert?.description, evidence) : undefined;
}

/** The server turned the ClientHello down before showing any certificate. */
function refusedHello(obs: HandshakeObservation, alert: number | undefined, evidence: string[]): Diagnosis | undefined {
  const name = obs.servername ?? obs.host;
  if (alert === 112) {
    return diagnosis('server-name-mismatch', `the server does not serve the name ${name} (alert unrecognized_name)`, evidence, 'probe with --servername set to a name the server is configured for (nginx server_name), or add this name to it');
  }
  if (alert === 120) {
    return diagnosis('no-shared-cipher', 'client and server share no application protocol (ALPN)', evidence, 'configure the server to accept h2 or http/1.1, or probe the port its clients use');
  }
  if (alert !== undefined) {
    return diagnosis('no-shared-cipher', `the server refused the ClientHello with alert ${alertLabel(alert)}`, evidence, 'compare the server\'s TLS settings (versions, ciphers, server names) with what this client offers');
  }
  if (obs.error?.code === 'CLOSED_NO_ALERT') {
    // Only set once a ServerHello arrived: the port speaks TLS, the server gave up mid-handshake.
    return diagnosis('handshake-aborted', `${obs.host}:${obs.port} started TLS (ServerHello), then closed without an alert before sending its certificate`, evidence, 'read the server log at this time; a crashing server or a proxy that cuts TLS connections does this');
  }
  if (obs.error && ['ECONNRESET', 'EPIPE'].includes(obs.error.code)) {
    const sni = obs.servername ? ` and that ${name} is a server name it serves (--servername)` : '';
    return diagnosis('not-tls', `${obs.host}:${obs.port} accepted TCP, then closed without any TLS answer`, evidence, `check that the port speaks TLS${sni}`);
  }
  return undefined;
}
