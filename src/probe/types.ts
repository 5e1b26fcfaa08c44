/**
 * What one observed TLS handshake yields: raw facts only. The diagnosis
 * (src/probe/diagnose.ts) turns them into a verdict with a code and a fix.
 */

/** A TLS alert as received or sent. */
export interface TlsAlert {
  level: 'warning' | 'fatal';
  /** RFC 8446 6 / RFC 5246 7.2 AlertDescription number. */
  description: number;
  /** Its name, e.g. `unknown_ca`. */
  name: string;
}

/** How the server answered after the client's certificate was sent. */
export type ServerVerdict =
  | 'accepted' // close_notify, session tickets then close, or application data
  | 'rejected-alert' // a fatal alert
  | 'rejected-close' // bare close or reset with no alert
  | 'unknown'; // no answer within the timeout

/** One step's timing in milliseconds. */
export interface StepTiming {
  step: 'resolve' | 'connect' | 'handshake' | 'verdict' | 'http';
  ms: number;
}

/** The raw facts of one client-side handshake attempt. */
export interface HandshakeObservation {
  host: string;
  port: number;
  address?: string;
  servername?: string;
  timings: StepTiming[];
  /** Set when resolution, connection or the handshake failed. */
  error?: { code: string; message: string };
  /** First bytes the peer sent when they were not TLS. */
  nonTlsBanner?: string;
  protocol?: string;
  cipher?: string;
  alpn?: string;
  /** DER certificates the server presented, leaf first. */
  serverChain: Buffer[];
  /** Node's verification result for the server chain against the CA bundle. */
  serverAuthorizationError?: string;
  /** Whether the server sent a CertificateRequest. */
  certificateRequested: boolean;
  /** DER Names from the CertificateRequest's certificate_authorities. */
  acceptableCaNames: Buffer[];
  /** Signature algorithms (TLS SignatureScheme numbers) from the CertificateRequest. */
  signatureAlgorithms: number[];
  /** DER certificates the client sent, leaf first (empty when none). */
  clientChainSent: Buffer[];
  alertReceived?: TlsAlert;
  verdict: ServerVerdict;
  /** HTTP status line and body head when a request was sent (--http). */
  http?: { status: number; statusText: string; bodyHead: string };
}

/** What `observeHandshake` (src/probe/observe.ts) needs for one client attempt. */
export interface ObserveOptions {
  host: string;
  port: number;
  /** SNI and the name the server certificate is checked against; defaults to host unless it is an IP. */
  servername?: string;
  /** PEM: the client certificate, optionally followed by its chain. */
  cert?: string;
  /** PEM: the client private key. */
  key?: string;
  /** PEM trust bundle for the server chain; undefined means the system store. */
  ca?: string;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Bound on the whole attempt, connect to verdict. */
  timeoutMs: number;
  /** Send `GET path` after the handshake and record the response (nginx decides at the HTTP layer). */
  http?: { path: string; hostHeader?: string };
  alpn?: string[];
}
