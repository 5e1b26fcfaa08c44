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
  /** True when serverChain is the server's Certificate message as sent (false: Node's linked chain). */
  serverChainAsSent?: boolean;
  /** The version the ServerHello chose (`TLSv1.2`, `TLSv1.3`), known even when the handshake then fails. */
  serverHelloVersion?: string;
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
  /** What settled the verdict (absent when no TLS session was attempted). */
  verdictReason?: VerdictReason;
  /** The server answered the first ClientHello with a HelloRetryRequest. */
  helloRetryRequest?: boolean;
  /** TLS 1.2 ClientCertificateType values from the CertificateRequest. */
  certificateTypes?: number[];
  /** TLS 1.3 signature_algorithms_cert from the CertificateRequest, when sent. */
  signatureAlgorithmsCert?: number[];
  /** NewSessionTicket messages the server sent (TLS 1.3). */
  sessionTickets?: number;
  /** The server sent close_notify (never listed as alertReceived). */
  closeNotifyReceived?: boolean;
  /** First alert the client itself sent, other than close_notify. */
  alertSent?: TlsAlert;
  /** Server certificate does not match servername (or the IP host); chain errors are in serverAuthorizationError. */
  serverIdentityError?: { code: string; message: string };
  /** Things the observer could not read (decryption or parse problems), for verbose output. */
  observerNotes?: string[];
}

/** The event that settled a verdict. */
export type VerdictReason =
  | 'server-finished' // TLS 1.2: the server's Finished follows its check of the client certificate
  | 'close-notify' // TLS 1.3: the server answered the client's close_notify with its own
  | 'tickets-then-close' // TLS 1.3: session tickets, then the connection closed
  | 'application-data' // the server sent application data
  | 'http-response' // an HTTP response arrived
  | 'alert' // the server sent a fatal alert
  | 'close' // the server closed or reset the connection without an alert
  | 'timeout' // nothing decisive before timeoutMs
  | 'client-abort' // the client's own TLS engine gave up (error.code says why)
  | 'no-tls'; // the TLS session never started (resolution, connection, not TLS, local error)

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
  /** Send this request when the server selects ALPN `http/1.1`, even without `http`. */
  httpIfAlpn?: { path: string; hostHeader?: string };
}
