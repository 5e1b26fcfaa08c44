/** The facts of one client probe as plain data: what --json prints and the human report renders. */
import { X509Certificate } from 'node:crypto';
import type { HandshakeObservation, ServerVerdict, StepTiming, VerdictReason } from './types.js';
import type { Diagnosis } from './diagnosis-codes.js';
import { certFacts, isoTime } from './cert-facts.js';
import { alertOf } from './observed-alert.js';
import { alertMeaning, formatName } from './tls-names.js';

/** One certificate as the report shows it. */
export interface CertSummary {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  subjectAltName?: string;
  sha256: string;
}

/** Everything a client probe found. */
export interface ProbeReport {
  mode: 'client' | 'between';
  target: { host: string; port: number; address?: string; servername?: string };
  services?: { from: string; to: string };
  timings: StepTiming[];
  tls: { protocol?: string; cipher?: string; alpn?: string };
  serverChain: CertSummary[];
  serverVerification: { verified: boolean; error?: string };
  clientCertificate: { requested: boolean; acceptableCaNames: string[]; signatureAlgorithms: number[]; presented: CertSummary[] };
  verdict: ServerVerdict | 'not-attempted';
  /** What settled the verdict (an alert, close_notify, tickets then close, an HTTP answer, ...). */
  verdictReason?: VerdictReason;
  /** An alert the client itself sent (it refused the server). */
  alertSent?: { description: number; name: string };
  /** What the observer could not read; shown with --verbose. */
  observerNotes?: string[];
  alert?: { description: number; name: string; meaning: string };
  http?: { status: number; statusText: string; bodyHead: string };
  error?: { code: string; message: string };
  nonTlsBanner?: string;
  diagnosis: Diagnosis;
}

/** Describes one DER certificate for the report. */
export function summarizeCert(der: Buffer): CertSummary {
  const facts = certFacts(der);
  const san = new X509Certificate(der).subjectAltName;
  return {
    subject: facts.subject,
    issuer: facts.issuer,
    notBefore: isoTime(facts.notBefore),
    notAfter: isoTime(facts.notAfter),
    ...(san ? { subjectAltName: san } : {}),
    sha256: facts.sha256,
  };
}

/** Assembles the report of an observed (or, with no observation, not attempted) handshake. */
export function buildReport(obs: HandshakeObservation | undefined, diagnosis: Diagnosis, mode: ProbeReport['mode'], fallback: { host: string; port: number; servername?: string }): ProbeReport {
  if (!obs) {
    return {
      mode, target: fallback, timings: [], tls: {}, serverChain: [], serverVerification: { verified: false },
      clientCertificate: { requested: false, acceptableCaNames: [], signatureAlgorithms: [], presented: [] },
      verdict: 'not-attempted', diagnosis,
    };
  }
  const alert = alertOf(obs);
  return {
    mode,
    target: { host: obs.host, port: obs.port, address: obs.address, servername: obs.servername ?? fallback.servername },
    timings: obs.timings,
    tls: { protocol: obs.protocol, cipher: obs.cipher, alpn: obs.alpn },
    serverChain: obs.serverChain.map(summarizeCert),
    serverVerification: verification(obs),
    clientCertificate: {
      requested: obs.certificateRequested,
      acceptableCaNames: obs.acceptableCaNames.map(formatName),
      signatureAlgorithms: obs.signatureAlgorithms,
      presented: obs.clientChainSent.map(summarizeCert),
    },
    verdict: obs.verdict,
    ...(obs.verdictReason ? { verdictReason: obs.verdictReason } : {}),
    ...(obs.alertSent ? { alertSent: { description: obs.alertSent.description, name: obs.alertSent.name } } : {}),
    ...(obs.observerNotes?.length ? { observerNotes: obs.observerNotes } : {}),
    ...(alert ? { alert: { description: alert.description, name: alert.name, meaning: alertMeaning(alert.description) } } : {}),
    ...(obs.http ? { http: obs.http } : {}),
    ...(obs.error ? { error: obs.error } : {}),
    ...(obs.nonTlsBanner ? { nonTlsBanner: obs.nonTlsBanner } : {}),
    diagnosis,
  };
}

/** Whether the server chain verified, counting a name mismatch as a failure. */
function verification(obs: HandshakeObservation): ProbeReport['serverVerification'] {
  const identity = obs.serverIdentityError?.code;
  const error = obs.serverAuthorizationError || identity;
  return { verified: obs.serverChain.length > 0 && !error, ...(error ? { error } : {}) };
}
