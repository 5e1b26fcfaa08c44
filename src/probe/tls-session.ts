/**
 * The TLS part of one observation: handshake over a tapped socket, then the
 * wait for the server's verdict on the client certificate (see observe.ts).
 */
import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  checkServerIdentity,
  connect,
  type PeerCertificate,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import { alertFromNodeError } from './alerts.js';
import { HandshakeTap } from './handshake-tap.js';
import { HttpResponseReader, hostHeader, httpRequest } from './http-exchange.js';
import { bannerOf, describeTap, errorOf, nodeChain } from './session-facts.js';
import { tapDuplex } from './tap-duplex.js';
import type { HandshakeObservation, ObserveOptions, TlsAlert } from './types.js';
import {
  settleHandshakeError,
  settleHttpEnd,
  settleServerAlert,
  settleTimeout,
  settleVerdictClose,
  type SessionPhase,
  type Settlement,
} from './verdict-rules.js';

/** What one TLS session needs: a connected socket and a ready context. */
export interface SessionInput {
  raw: Socket;
  options: ObserveOptions;
  servername: string | undefined;
  secureContext: SecureContext;
  observation: HandshakeObservation;
  /** performance.now() value at which the attempt gives up. */
  deadline: number;
}

type Phase = SessionPhase | 'done';

/** Runs the handshake and verdict, filling `input.observation`; never rejects. */
export function runTlsSession(input: SessionInput): Promise<void> {
  return new Promise((resolve) => new TlsSession(input, resolve).start());
}

class TlsSession {
  private phase: Phase = 'handshake';
  private phaseStart = performance.now();
  private readonly tap: HandshakeTap;
  private tls!: TLSSocket;
  private timer: NodeJS.Timeout | undefined;
  private http: HttpResponseReader | undefined;
  private fallbackChain: Buffer[] = [];
  private rawClosed = false;
  private timedPhase: SessionPhase | undefined;

  constructor(
    private readonly input: SessionInput,
    private readonly done: () => void,
  ) {
    this.tap = new HandshakeTap({
      serverAlert: (alert) => this.onServerAlert(alert),
      serverTicket: () => undefined,
      serverApplicationData: () => this.onServerApplicationData(),
    });
  }

  start(): void {
    const { raw, options, servername, secureContext, deadline } = this.input;
    this.timer = setTimeout(() => this.onTimeout(), Math.max(0, deadline - performance.now()));
    const socket = tapDuplex(raw, this.tap);
    for (const event of ['end', 'close', 'error']) raw.on(event, () => this.onRawClosed());
    this.tls = connect({
      socket,
      secureContext,
      // SNI carries DNS names only (RFC 6066); an IP --servername is just the name the identity check uses.
      servername: servername && !isIP(servername) ? servername : undefined,
      ALPNProtocols: options.alpn,
      rejectUnauthorized: false,
      // The chain verdict comes from authorizationError; identity is checked apart.
      checkServerIdentity: () => undefined,
    });
    this.tls.on('keylog', (line: Buffer) => this.tap.keylog(line));
    this.tls.once('secureConnect', () => this.onSecureConnect());
    this.tls.on('error', (error: NodeJS.ErrnoException) => this.onTlsError(error));
    this.tls.on('data', (chunk: Buffer) => this.onHttpData(chunk));
    this.tls.on('end', () => this.onTlsClosed());
    this.tls.on('close', () => this.onTlsClosed());
  }

  private onSecureConnect(): void {
    if (this.phase !== 'handshake') return;
    this.recordTiming('handshake');
    this.describeSession();
    const http = this.httpRequestToSend();
    if (http) return this.sendHttp(http);
    // TLS 1.2: the server's Finished comes after it checked the client chain.
    // TODO: a TLS 1.2 server that asks for the certificate later by renegotiating (per-location client auth) is reported accepted here.
    if (this.tls.getProtocol() !== 'TLSv1.3') {
      return this.settle({ verdict: 'accepted', reason: 'server-finished' });
    }
    // TLS 1.3 servers judge the client certificate after this point; a
    // close_notify asks for their answer within one round trip.
    // TODO: a server that accepts, sends no tickets and closes without its own close_notify is reported rejected-close (none seen among OpenSSL, Node, nginx).
    this.enterPhase('verdict');
    this.tls.end();
    this.settleFromWhatArrived();
  }

  /** The request to send, if any: HTTP/1.1 only, so never when ALPN chose another protocol. */
  private httpRequestToSend(): ObserveOptions['http'] {
    const { http, httpIfAlpn } = this.input.options;
    const alpn = this.tls.alpnProtocol || undefined;
    if (alpn === 'http/1.1') return http ?? httpIfAlpn;
    if (!alpn) return http;
    if (http) this.tap.facts.problems.push(`no HTTP request sent: ALPN selected ${alpn}`);
    return undefined;
  }

  private sendHttp(http: NonNullable<ObserveOptions['http']>): void {
    this.enterPhase('http');
    this.http = new HttpResponseReader();
    const { servername, options } = this.input;
    this.tls.write(
      httpRequest(
        http.path,
        http.hostHeader ?? hostHeader(servername ?? options.host, options.port),
      ),
    );
  }

  /** Settles at once if the server's answer came before the verdict phase began. */
  private settleFromWhatArrived(): void {
    const first = this.tap.facts.serverAlerts[0];
    if (first) return this.onServerAlert(first);
    if (this.rawClosed) this.onRawClosed();
  }

  private describeSession(): void {
    const obs = this.input.observation;
    obs.protocol = this.tls.getProtocol() ?? undefined;
    const cipher = this.tls.getCipher();
    obs.cipher = cipher?.standardName ?? cipher?.name;
    obs.alpn = this.tls.alpnProtocol || undefined;
    const chainError = this.tls.authorizationError as unknown;
    obs.serverAuthorizationError = chainError ? String(chainError) : undefined;
    const peer = this.tls.getPeerCertificate(true) as PeerCertificate;
    this.fallbackChain = nodeChain(peer);
    const name = this.input.servername ?? this.input.options.host;
    const identity = peer?.raw ? checkServerIdentity(name, peer) : undefined;
    if (identity) obs.serverIdentityError = errorOf(identity, 'ERR_TLS_CERT_ALTNAME_INVALID');
  }

  private onServerAlert(alert: TlsAlert): void {
    if (this.phase === 'verdict') this.settle(settleServerAlert(alert));
  }

  private onServerApplicationData(): void {
    if (this.phase === 'verdict') this.settle({ verdict: 'accepted', reason: 'application-data' });
  }

  private onRawClosed(): void {
    this.rawClosed = true;
    if (this.phase === 'verdict') this.settle(settleVerdictClose(this.tap.facts));
  }

  private onTlsError(error: NodeJS.ErrnoException): void {
    if (this.phase === 'handshake') {
      return this.settle(settleHandshakeError(this.tap.facts, error, this.rawClosed));
    }
    if (this.phase === 'http') return this.onTlsClosed(error);
    // After the client's close_notify Node may still have read an alert the tap could not.
    const alert = alertFromNodeError(error);
    if (this.phase === 'verdict' && alert && alert.description !== 0) {
      this.settle(settleServerAlert(alert));
    }
  }

  /** In the HTTP phase Node's end, close or error comes after all it read. */
  private onTlsClosed(error?: NodeJS.ErrnoException): void {
    if (this.phase === 'http')
      this.settle(settleHttpEnd(this.tap.facts, this.http!.hasStatus, error));
  }

  private onHttpData(chunk: Buffer): void {
    if (this.phase === 'http' && this.http!.push(chunk)) {
      this.settle({ verdict: 'accepted', reason: 'http-response' });
    }
  }

  private onTimeout(): void {
    if (this.phase === 'done') return;
    const { timeoutMs } = this.input.options;
    this.settle(
      settleTimeout(this.phase, this.tap.facts, this.http?.hasStatus ?? false, timeoutMs),
    );
  }

  private enterPhase(phase: Phase): void {
    this.phase = phase;
    this.phaseStart = performance.now();
  }

  private recordTiming(step: SessionPhase): void {
    if (this.timedPhase === step) return;
    this.timedPhase = step;
    const ms = Math.round((performance.now() - this.phaseStart) * 1000) / 1000;
    this.input.observation.timings.push({ step, ms });
  }

  private settle(end: Settlement): void {
    if (this.phase === 'done') return;
    this.recordTiming(this.phase);
    this.phase = 'done';
    clearTimeout(this.timer);
    const obs = this.input.observation;
    Object.assign(obs, describeTap(this.tap.facts, this.fallbackChain));
    obs.verdict = end.verdict;
    obs.verdictReason = end.reason;
    if (end.alert) obs.alertReceived = end.alert;
    if (end.error) obs.error = end.error;
    if (end.notTls) obs.nonTlsBanner = bannerOf(this.tap.facts.firstServerBytes);
    if (this.http?.hasStatus) obs.http = this.http.answer();
    this.tls.destroy();
    this.input.raw.destroy();
    this.done();
  }
}
