/** Diagnoses the server's certificate chain: trust, validity, name, purpose. */
import { X509Certificate } from 'node:crypto';
import type { HandshakeObservation } from './types.js';
import type { LocalMaterial } from './local-material.js';
import { allowsPurpose, certFacts, describeCert, isoTime, validityAt, type CertFacts } from './cert-facts.js';
import { checkChain } from './chain-check.js';
import { diagnosis, type Diagnosis } from './diagnosis-codes.js';
import { EXT_KEY_USAGE_NAMES } from '../pki/oids.js';
import { relativeTime } from '../time/duration.js';

const EXPIRED = new Set(['CERT_HAS_EXPIRED']);
const NOT_YET = new Set(['CERT_NOT_YET_VALID']);
const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT']);
const NAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH', 'IP_ADDRESS_MISMATCH']);
const PURPOSE = new Set(['INVALID_PURPOSE']);
const ISSUER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'INVALID_CA', 'CERT_REJECTED',
]);
const ALL = [EXPIRED, NOT_YET, SELF_SIGNED, NAME, PURPOSE, ISSUER];

/** The server-certificate problem, if the chain (or Node's verification of it) has one. */
export function diagnoseServerCert(obs: HandshakeObservation, local: LocalMaterial, now: Date): Diagnosis | undefined {
  const reason = verificationError(obs);
  if (!reason || obs.serverChain.length === 0) return undefined;
  const chain = obs.serverChain.map(certFacts);
  const leaf = chain[0]!;
  const evidence = [`verification: ${reason}`, `server leaf: ${describeCert(leaf)}`];
  if (EXPIRED.has(reason) || NOT_YET.has(reason)) return validityProblem(chain, now, evidence);
  if (SELF_SIGNED.has(reason) || (chain.length === 1 && leaf.selfSigned)) {
    return diagnosis('server-cert-self-signed', 'the server presents a self-signed certificate that the client does not trust', evidence, 'serve a certificate issued by your CA (`mtlsctl issue`), or pass that certificate with --ca if it is meant to be pinned');
  }
  if (NAME.has(reason)) return nameProblem(obs, local, evidence);
  if (PURPOSE.has(reason) || !allowsPurpose(leaf, 'serverAuth')) {
    return diagnosis('server-cert-wrong-purpose', 'the server certificate is not allowed for TLS servers (no extendedKeyUsage serverAuth)', [...evidence, `extendedKeyUsage: ${leaf.extKeyUsage?.map((o) => EXT_KEY_USAGE_NAMES[o] ?? o).join(', ') ?? 'absent'}`], 'reissue the server certificate with usage server or both');
  }
  return trustProblem(obs, local, chain, evidence, now);
}

/** Node's reason for not trusting the server chain, when it is one we can name. */
function verificationError(obs: HandshakeObservation): string | undefined {
  const candidates = [obs.serverAuthorizationError, identityError(obs), obs.error?.code];
  for (const c of candidates) if (c && ALL.some((set) => set.has(c))) return c;
  return obs.serverAuthorizationError || undefined;
}

/** The observer reports a name mismatch apart from chain errors. */
function identityError(obs: HandshakeObservation): string | undefined {
  return obs.serverIdentityError ? obs.serverIdentityError.code || 'ERR_TLS_CERT_ALTNAME_INVALID' : undefined;
}

function validityProblem(chain: CertFacts[], now: Date, evidence: string[]): Diagnosis {
  const culprit = chain.find((c) => validityAt(c, now) !== 'valid') ?? chain[0]!;
  const state = validityAt(culprit, now);
  const which = culprit === chain[0] ? 'the server certificate' : `the server's CA certificate ${culprit.subject}`;
  if (state === 'not-yet-valid') {
    return diagnosis('server-cert-not-yet-valid', `${which} is not valid before ${isoTime(culprit.notBefore)} (${relativeTime(culprit.notBefore, now)})`, [...evidence, `notBefore ${isoTime(culprit.notBefore)}, now ${isoTime(now)}`], 'check the clocks of the CA host and of this machine, or wait until notBefore');
  }
  return diagnosis('server-cert-expired', `${which} expired on ${isoTime(culprit.notAfter)} (${relativeTime(culprit.notAfter, now)})`, [...evidence, `notAfter ${isoTime(culprit.notAfter)}, now ${isoTime(now)}`], 'renew the server certificate (`mtlsctl issue`) and reload the server');
}

function nameProblem(obs: HandshakeObservation, local: LocalMaterial, evidence: string[]): Diagnosis {
  const name = local.servername ?? obs.servername ?? obs.host;
  const sans = new X509Certificate(obs.serverChain[0]!).subjectAltName ?? 'none';
  return diagnosis(
    'server-name-mismatch',
    `the server certificate is not valid for the name ${name}`,
    [...evidence, `checked name: ${name}`, `certificate SANs: ${sans}`],
    `probe with --servername set to one of its SANs, or add ${name} to the service's dns list in the manifest and reissue`,
  );
}

function trustProblem(obs: HandshakeObservation, local: LocalMaterial, chain: CertFacts[], evidence: string[], now: Date): Diagnosis {
  const check = local.serverTrust.length > 0 ? checkChain(obs.serverChain, local.serverTrust, now) : undefined;
  const leaf = chain[0]!;
  const anchors = local.serverTrust.map((d) => certFacts(d).subject);
  const trusted = anchors.length > 0 ? `--ca trusts: ${anchors.join('; ')}` : 'trust: the system CA store (no --ca given)';
  if (check?.problem === 'missing-intermediate' || (!check && chain.length === 1 && !leaf.selfSigned)) {
    return diagnosis(
      'server-chain-incomplete',
      `the server sent only its own certificate, without the intermediate CA ${leaf.issuer}`,
      [...evidence, `certificates sent by the server: ${chain.length}`, trusted],
      'configure the server with the full chain (chain.pem: leaf then intermediate; nginx `ssl_certificate chain.pem`, openssl `-cert_chain`), or pass --ca with the CA that issued it if it is another CA',
    );
  }
  const top = chain[chain.length - 1]!;
  return diagnosis(
    'server-cert-untrusted',
    `the server chain ends at ${top.selfSigned ? top.subject : top.issuer}, which the client does not trust`,
    [...evidence, `server chain: ${chain.map((c) => c.subject).join(' <- ')}`, trusted],
    anchors.length > 0 ? 'pass the root that issued the server certificate with --ca, or reissue the server certificate from the CA in --ca' : 'pass your CA bundle with --ca (for mtlsctl CAs: pki/trust-bundle.crt)',
  );
}
