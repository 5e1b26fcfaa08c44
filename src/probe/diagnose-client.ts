/**
 * Diagnoses the server's verdict on the client: the alert it sent (OpenSSL),
 * a bare close (Node.js) or an HTTP 400 (nginx), combined with a local check
 * of the client's own certificate to name the exact cause.
 */
import { X509Certificate } from 'node:crypto';
import type { HandshakeObservation, TlsAlert } from './types.js';
import type { LocalMaterial } from './local-material.js';
import { allowsPurpose, certFacts, isoTime, validityAt, type CertFacts } from './cert-facts.js';
import { checkChain } from './chain-check.js';
import { diagnosis, type Diagnosis } from './diagnosis-codes.js';
import { relativeTime } from '../time/duration.js';
import { alertOf } from './observed-alert.js';
import { alertLabel, alertMeaning, errorLine, formatName } from './tls-names.js';

/** How the server refused, as one line of evidence. */
function refusal(obs: HandshakeObservation, alert: TlsAlert | undefined, http: HttpCertVerdict | undefined): string {
  if (alert) return `the server sent alert ${alertLabel(alert.description)}`;
  if (http) {
    const said = firstLine(obs.http!.bodyHead);
    return `the server completed TLS, then answered HTTP ${obs.http!.status} ${obs.http!.statusText}${said ? `: ${JSON.stringify(said)}` : ''}`;
  }
  return 'the server closed the connection without an alert';
}

type HttpCertVerdict = 'missing' | 'invalid';

/** nginx decides at the HTTP layer: 400 (495/496 in its logs) with a telling body. */
function httpCertVerdict(obs: HandshakeObservation): HttpCertVerdict | undefined {
  const http = obs.http;
  if (!http) return undefined;
  if (http.status === 496 || /No required SSL certificate/i.test(http.bodyHead)) return 'missing';
  if (http.status === 495 || /SSL certificate error/i.test(http.bodyHead)) return 'invalid';
  return undefined;
}

/** Names what the server decided about the client and why. */
export function diagnoseClientVerdict(obs: HandshakeObservation, local: LocalMaterial, now: Date): Diagnosis {
  const alert = alertOf(obs);
  const http = httpCertVerdict(obs);
  const sent = obs.clientChainSent;
  if (obs.verdict === 'accepted' && !alert && !http) return accepted(obs, sent, now);
  if (obs.verdict === 'unknown' && !alert && !http) {
    const evidence = [obs.error ? errorLine(obs.error) : 'no alert, close or data from the server'];
    if (obs.error?.code === 'HTTP_TIMEOUT') {
      return diagnosis('timeout', 'the handshake finished, but no HTTP response came back within the timeout', evidence, 'check that this port serves HTTP (drop --http if not), or raise --timeout');
    }
    return diagnosis('timeout', 'the handshake finished, but the server gave no verdict within the timeout', evidence, 'raise --timeout; if the server speaks HTTP, probe with --http');
  }
  const how = refusal(obs, alert, http);
  if (sent.length === 0 || alert?.description === 116 || http === 'missing') return required(obs, local, how);
  const chain = sent.map(certFacts);
  const byAlert = fromAlert(alert, obs, local, chain, how, now);
  return byAlert ?? fromLocalChecks(obs, local, chain, how, now) ?? otherRejection(alert, how, chain);
}

function accepted(obs: HandshakeObservation, sent: Buffer[], now: Date): Diagnosis {
  const via = obs.http ? `HTTP ${obs.http.status} ${obs.http.statusText}` : 'the TLS handshake';
  if (sent.length === 0) {
    const asked = obs.certificateRequested ? 'asked for a client certificate but accepted none' : 'did not ask for a client certificate';
    return diagnosis('mtls-not-enforced', `the server accepted a client without a certificate: mutual TLS is not enforced`, [`the server ${asked}`, `accepted via ${via}`], 'require client certificates on the server: nginx `ssl_verify_client on;`, Node.js `requestCert: true, rejectUnauthorized: true`, OpenSSL `-Verify 1 -verify_return_error`');
  }
  const chain = sent.map(certFacts);
  const leaf = chain[0]!;
  const evidence = [`client presented ${leaf.subject}, issued by ${leaf.issuer}`, `accepted via ${via}`, ...laxness(obs, chain, now)];
  return diagnosis('ok', 'the server accepted the client certificate', evidence, 'nothing to fix');
}

/** Flaws in an accepted chain: the server does not check client certificates strictly. */
function laxness(obs: HandshakeObservation, chain: CertFacts[], now: Date): string[] {
  const notes: string[] = [];
  const invalid = chain.find((c) => validityAt(c, now) !== 'valid');
  if (invalid) notes.push(`warning: ${invalid.subject} is outside its validity (${isoTime(invalid.notBefore)} to ${isoTime(invalid.notAfter)}), yet the server accepted it`);
  if (!allowsPurpose(chain[0]!, 'clientAuth')) notes.push('warning: the certificate lacks clientAuth, yet the server accepted it');
  if (obs.acceptableCaNames.length > 0 && !namesListed(obs.acceptableCaNames, chain)) notes.push('warning: no CA of the client chain is among the names the server listed, yet it accepted: it may accept any certificate');
  return notes;
}

function required(obs: HandshakeObservation, local: LocalMaterial, how: string): Diagnosis {
  const evidence = [how, obs.certificateRequested ? 'the server requested a client certificate' : 'the client sent no certificate'];
  const given = local.clientChain[0];
  if (given && obs.certificateRequested) {
    // TLS withholds a certificate whose key cannot sign with any algorithm the server offered (DSA, or RSA-PSS-only keys in places).
    const keyType = new X509Certificate(given).publicKey.asymmetricKeyType ?? 'unknown';
    evidence.push(`the --cert certificate (${keyType} key) was given but not sent, most likely because its key fits none of the signature algorithms the server offered${obs.protocol === 'TLSv1.3' ? ' in TLS 1.3' : ''}`);
    return diagnosis('client-cert-required', `the server requires a client certificate, and the one given could not be used (${keyType} key)`, evidence, 'reissue the client with a key type the server accepts (ecdsa-p256 or rsa-2048; `keyType` in the manifest)');
  }
  if (given) {
    // TLS lets a client send a certificate only when asked: the fix is on the server (or the virtual host SNI picked).
    evidence.push('a certificate was given, but the server never asked for one during the handshake, so it could not be sent');
    return diagnosis('client-cert-required', 'the server refuses clients without a certificate but never asks for one in the TLS handshake', evidence, 'make the server request client certificates (nginx: `ssl_verify_client` in the server block that --servername selects); check that --servername picks the intended virtual host');
  }
  return diagnosis('client-cert-required', 'the server requires a client certificate and none was presented', evidence, 'present the client identity: --cert <out>/<service>/chain.pem --key <out>/<service>/key.pem');
}

function fromAlert(alert: TlsAlert | undefined, obs: HandshakeObservation, local: LocalMaterial, chain: CertFacts[], how: string, now: Date): Diagnosis | undefined {
  switch (alert?.description) {
    case 48: return unknownCa(obs, local, chain, how, now);
    case 45: return expired(chain, how, now) ?? expiredByServerClock(chain, how);
    case 43: return wrongPurpose(chain, how) ?? otherRejection(alert, how, chain);
    default: return undefined;
  }
}

/** A bare close, an nginx 400 or a vague alert: find the cause in the local files. */
function fromLocalChecks(obs: HandshakeObservation, local: LocalMaterial, chain: CertFacts[], how: string, now: Date): Diagnosis | undefined {
  return expired(chain, how, now) ?? (caNotAccepted(obs, local, chain, now) ? unknownCa(obs, local, chain, how, now) : undefined) ?? wrongPurpose(chain, how);
}

function expired(chain: CertFacts[], how: string, now: Date): Diagnosis | undefined {
  const culprit = chain.find((c) => validityAt(c, now) !== 'valid');
  if (!culprit) return undefined;
  const which = culprit === chain[0] ? 'the client certificate' : `the client's intermediate ${culprit.subject}`;
  // "(672 days ago)" tells at a glance whether this is a missed renewal or a clock problem.
  const when = validityAt(culprit, now) === 'expired'
    ? `expired on ${isoTime(culprit.notAfter)} (${relativeTime(culprit.notAfter, now)})`
    : `is not valid before ${isoTime(culprit.notBefore)} (${relativeTime(culprit.notBefore, now)})`;
  return diagnosis('client-cert-expired', `${which} ${when}`, [how, `${culprit.subject}: notBefore ${isoTime(culprit.notBefore)}, notAfter ${isoTime(culprit.notAfter)}, now ${isoTime(now)}`], 'renew the client certificate (`mtlsctl issue`) and restart the client');
}

function expiredByServerClock(chain: CertFacts[], how: string): Diagnosis {
  const leaf = chain[0]!;
  return diagnosis('client-cert-expired', 'the server considers the client certificate expired, although it is valid by this machine\'s clock', [how, `notBefore ${isoTime(leaf.notBefore)}, notAfter ${isoTime(leaf.notAfter)}`], 'check the server\'s clock (and that the server sees the same certificate)');
}

function wrongPurpose(chain: CertFacts[], how: string): Diagnosis | undefined {
  const leaf = chain[0]!;
  if (allowsPurpose(leaf, 'clientAuth')) return undefined;
  return diagnosis('client-cert-wrong-purpose', 'the client certificate is not allowed for TLS clients (no extendedKeyUsage clientAuth)', [how, `${leaf.subject} extendedKeyUsage: ${leaf.extKeyUsage!.join(', ') || 'empty'}`], 'reissue the client certificate with usage client or both (extendedKeyUsage clientAuth)');
}

/** True when the local evidence says the server cannot trust the client's CA. */
function caNotAccepted(obs: HandshakeObservation, local: LocalMaterial, chain: CertFacts[], now: Date): boolean {
  if (local.clientTrust && local.clientTrust.length > 0) {
    const problem = checkChain(obs.clientChainSent, local.clientTrust, now).problem;
    return problem === 'unknown-ca' || problem === 'missing-intermediate' || problem === 'self-signed';
  }
  return obs.acceptableCaNames.length > 0 && !namesListed(obs.acceptableCaNames, chain);
}

/** Whether any name on the client's chain (issuers and subjects) is in the server's list. */
function namesListed(names: Buffer[], chain: CertFacts[]): boolean {
  return chain.some((c) => names.some((n) => n.equals(c.issuerDer) || n.equals(c.subjectDer)));
}

function unknownCa(obs: HandshakeObservation, local: LocalMaterial, chain: CertFacts[], how: string, now: Date): Diagnosis {
  const leaf = chain[0]!;
  const evidence = [how, `client certificate ${leaf.subject} was issued by ${leaf.issuer}`];
  if (chain.length > 1) evidence.push(`client chain sent: ${chain.map((c) => c.subject).join(' <- ')}, ending at issuer ${chain[chain.length - 1]!.issuer}`);
  if (obs.acceptableCaNames.length > 0) {
    evidence.push(`server accepts CA names: ${obs.acceptableCaNames.map(formatName).join('; ')}`);
    evidence.push(namesListed(obs.acceptableCaNames, chain) ? 'a name of the client chain is on that list, so the chain itself does not verify' : 'no certificate of the client chain names one of those CAs');
  } else if (obs.certificateRequested) {
    evidence.push('the server named no acceptable CAs');
  }
  const lone = chain.length === 1 && !leaf.selfSigned;
  if (lone && local.clientTrust && checkChain(obs.clientChainSent, local.clientTrust, now).problem === 'missing-intermediate') {
    evidence.push('the client sent only its leaf, without the intermediate');
    return diagnosis('client-cert-unknown-ca', `the server cannot link the client certificate to a CA it trusts: the intermediate ${leaf.issuer} was not sent`, evidence, 'present chain.pem (leaf then intermediate) as --cert, not cert.pem');
  }
  if (lone) {
    // Only the leaf went out: a missing intermediate is the likelier cause, so the fix names chain.pem first.
    evidence.push('the client sent only its leaf, no intermediate');
    return diagnosis('client-cert-unknown-ca', `the server cannot link the client certificate to a CA it trusts: only the leaf was sent, not its issuer ${leaf.issuer}`, evidence, `present chain.pem (leaf then intermediate) as --cert, not cert.pem; if ${leaf.issuer} is a root, add it to the server's client trust bundle`);
  }
  return diagnosis('client-cert-unknown-ca', `the server does not trust ${chain[chain.length - 1]!.issuer}, the CA behind the client certificate`, evidence, 'add the client\'s root CA to the server\'s client trust bundle, or reissue the client certificate from the CA the server trusts (`mtlsctl issue` with the shared CA)');
}

function otherRejection(alert: TlsAlert | undefined, how: string, chain: CertFacts[]): Diagnosis {
  const leaf = chain[0]!;
  const what = alert ? `with alert ${alertLabel(alert.description)}: ${alertMeaning(alert.description)}` : 'without saying why';
  return diagnosis('client-cert-rejected', `the server rejected the client certificate ${what}`, [how, `client presented ${leaf.subject}, issued by ${leaf.issuer}, valid until ${isoTime(leaf.notAfter)}`], 'read the server\'s log for the rejection; the local checks (validity, CA names, clientAuth) found nothing wrong');
}

function firstLine(text: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(text);
  return (title ? title[1]! : text.split('\n')[0]!).trim().slice(0, 100);
}
