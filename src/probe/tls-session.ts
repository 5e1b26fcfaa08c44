/**
 * The TLS part of one observation: handshake over a tapped socket, then the
 * wait for the server's verdict on the client certificate (see observe.ts).
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkServerIdentity, connect, type PeerCertificate, type SecureContext, type TLSSocket } from 'node:tls';
import { alertFromNodeError } from './alerts.js';
import { HandshakeTap } from './handshake-tap.js';
import { HttpResponseReader, hostHeader, httpRequest } from './http-exchange.js';
import { looksLikeTlsRecord } from './record-layer.js';
import { tapDuplex } from './tap-duplex.js';
import { bannerOf, describeTap, errorOf, nodeChain } from './session-facts.js';
import type { HandshakeObservation, ObserveOptions, ServerVerdict, StepTiming, TlsAlert, VerdictReason } from './types.js';

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

type Phase = 'handshake' | 'verdict' | 'http' | 'done';

/** Runs the handshake and verdict, filling `input.observation`; never rejects. */
export function runTlsSession(input: SessionInput): Promise<void> {
  return new Promise((resolve) => new TlsSession(input, resolve).start());
}

const CLOSE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

class TlsSession {
  private phase: Phase = 'handshake';
  private phaseStart = performance.now();
  private readonly tap: HandshakeTap;
  private tls!: TLSSocket;
  private timer: NodeJS.Timeout | undefined;
  private http: HttpResponseReader | undefined;
  private fallbackChain: Buffer[] = [];
  private rawClosed = false;
  private timedPhase: string | undefined;

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
      servername,
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
    if (this.tls.getProtocol() !== 'TLSv1.3') return this.finish('accepted', 'server-finished');
    // TLS 1.3 servers judge the client certificate after this point; a
    // close_notify asks for their answer within one round trip.
    this.enterPhase('verdict');
    this.tls.end();
    this.settleFromWhatArrived();
  }

  private httpRequestToSend(): ObserveOptions['http'] {
    const { http, httpIfAlpn } = this.input.options;
    return http ?? (this.tls.alpnProtocol === 'http/1.1' ? httpIfAlpn : undefined);
  }

  private sendHttp(http: NonNullable<ObserveOptions['http']>): void {
    this.enterPhase('http');
    this.http = new HttpResponseReader();
    const { servername, options } = this.input;
    this.tls.write(httpRequest(http.path, http.hostHeader ?? hostHeader(servername ?? options.host, options.port)));
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
    if (this.phase !== 'verdict') return;
    if (alert.description === 0) this.finish('accepted', 'close-notify');
    else this.finish('rejected-alert', 'alert', alert, { code: 'ALERT_RECEIVED', message: `the server sent alert ${alert.name} (${alert.description})` });
  }

  private onServerApplicationData(): void {
    if (this.phase === 'verdict') this.finish('accepted', 'application-data');
  }

  private onRawClosed(): void {
    this.rawClosed = true;
    if (this.phase !== 'verdict') return;
    if (this.tap.facts.sessionTickets > 0) return this.finish('accepted', 'tickets-then-close');
    this.finish('rejected-close', 'close', undefined, {
      code: 'CLOSED_NO_ALERT',
      message: 'the server closed the connection without an alert after receiving the client certificate',
    });
  }

  private onTlsError(error: NodeJS.ErrnoException): void {
    if (this.phase === 'handshake') return this.failHandshake(error);
    if (this.phase === 'http') return this.concludeHttp(error);
    const alert = alertFromNodeError(error);
    if (this.phase === 'verdict' && alert && alert.description !== 0) {
      this.finish('rejected-alert', 'alert', alert, errorOf(error, 'ALERT_RECEIVED'));
    }
  }

  private onTlsClosed(): void {
    if (this.phase === 'http') this.concludeHttp();
  }

  private onHttpData(chunk: Buffer): void {
    if (this.phase === 'http' && this.http!.push(chunk)) this.finish('accepted', 'http-response');
  }

  /** Decides an HTTP-phase attempt once Node has delivered all it read. */
  private concludeHttp(error?: NodeJS.ErrnoException): void {
    if (this.http!.hasStatus) return this.finish('accepted', 'http-response');
    const alert = this.serverAlert() ?? alertFromNodeError(error);
    if (alert) return this.finish('rejected-alert', 'alert', alert, errorOf(error, 'ALERT_RECEIVED', alert));
    if (this.tap.facts.serverAlerts.length > 0) {
      return this.finish('accepted', 'close-notify', undefined, { code: 'HTTP_NO_RESPONSE', message: 'the server closed the TLS session without an HTTP response' });
    }
    this.finish('rejected-close', 'close', undefined, {
      code: 'CLOSED_NO_ALERT',
      message: `the server closed the connection without an alert or HTTP response${error ? ` (${error.code ?? error.message})` : ''}`,
    });
  }

  private failHandshake(error: NodeJS.ErrnoException): void {
    const first = this.tap.facts.firstServerBytes;
    if (first.length > 0 && !looksLikeTlsRecord(first)) return this.notTls(error.code ?? error.message);
    const alert = this.serverAlert() ?? (/ALERT/.test(error.code ?? '') ? alertFromNodeError(error) : undefined);
    if (alert) return this.finish('rejected-alert', 'alert', alert, errorOf(error, 'ALERT_RECEIVED', alert));
    const closed = this.rawClosed || CLOSE_CODES.has(error.code ?? '');
    // Before a ServerHello no certificate was judged: Node's own code stays.
    if (closed && !this.tap.facts.serverHello) return this.finish('unknown', 'close', undefined, errorOf(error, 'ECONNRESET'));
    if (closed && !this.tap.facts.clientAlert) {
      return this.finish('rejected-close', 'close', undefined, {
        code: 'CLOSED_NO_ALERT',
        message: `the server closed the connection during the handshake without an alert (${error.code ?? error.message})`,
      });
    }
    this.finish('unknown', 'client-abort', undefined, errorOf(error, 'ERR_TLS'));
  }

  private notTls(nodeReason: string): void {
    this.input.observation.nonTlsBanner = bannerOf(this.tap.facts.firstServerBytes);
    this.finish('unknown', 'no-tls', undefined, { code: 'NOT_TLS', message: `the server does not speak TLS (${nodeReason})` });
  }

  private onTimeout(): void {
    const ms = this.input.options.timeoutMs;
    if (this.phase === 'handshake') {
      const first = this.tap.facts.firstServerBytes;
      if (first.length > 0 && !looksLikeTlsRecord(first)) return this.notTls('no TLS answer');
      const said = first.length === 0 ? 'the server sent nothing' : 'the handshake did not complete';
      return this.finish('unknown', 'timeout', undefined, { code: 'HANDSHAKE_TIMEOUT', message: `${said} within ${ms} ms` });
    }
    if (this.phase === 'http') {
      if (this.http!.hasStatus) return this.finish('accepted', 'http-response');
      return this.finish('unknown', 'timeout', undefined, { code: 'HTTP_TIMEOUT', message: `no HTTP response within ${ms} ms` });
    }
    this.finish('unknown', 'timeout', undefined, { code: 'VERDICT_TIMEOUT', message: `the server neither accepted nor rejected the client certificate within ${ms} ms` });
  }

  private serverAlert(): TlsAlert | undefined {
    return this.tap.facts.serverAlerts.find((a) => a.description !== 0);
  }

  private enterPhase(phase: Phase): void {
    this.phase = phase;
    this.phaseStart = performance.now();
  }

  private recordTiming(step: StepTiming['step']): void {
    if (this.timedPhase === step) return;
    this.timedPhase = step;
    const ms = Math.round((performance.now() - this.phaseStart) * 1000) / 1000;
    this.input.observation.timings.push({ step, ms });
  }

  private finish(verdict: ServerVerdict, reason: VerdictReason, alert?: TlsAlert, error?: { code: string; message: string }): void {
    if (this.phase === 'done') return;
    this.recordTiming(this.phase as StepTiming['step']);
    this.phase = 'done';
    clearTimeout(this.timer);
    const obs = this.input.observation;
    Object.assign(obs, describeTap(this.tap.facts, this.fallbackChain));
    obs.verdict = verdict;
    obs.verdictReason = reason;
    if (alert) obs.alertReceived = alert;
    if (error) obs.error = error;
    if (this.http?.hasStatus) obs.http = this.http.answer();
    this.tls.destroy();
    this.input.raw.destroy();
    this.done();
  }
}
