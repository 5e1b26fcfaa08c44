/**
 * Watches both directions of one client connection and collects what the
 * handshake revealed: the ServerHello, the CertificateRequest, both chains,
 * alerts and session tickets. Fed by the tap duplex (bytes) and by the TLS
 * socket's `keylog` event (secrets).
 */
import {
  parseCertificateRequest12,
  parseCertificateRequest13,
  type CertificateRequestInfo,
} from './certificate-request.js';
import {
  HANDSHAKE,
  parseCertificateMessage,
  parseServerHello,
  type HandshakeMessage,
  type ServerHelloInfo,
} from './record-layer.js';
import { CLIENT_LABELS, RecordStream, SERVER_LABELS } from './record-stream.js';
import { TLS13_SUITES } from './tls13-keys.js';
import type { TlsAlert } from './types.js';

/** How many of the server's first bytes are kept to recognise a non-TLS peer. */
const FIRST_BYTES = 512;

/** What the tap has seen so far. */
export interface TapFacts {
  /** The server's first bytes, up to 512. */
  firstServerBytes: Buffer;
  serverHello?: ServerHelloInfo;
  helloRetryRequest: boolean;
  certificateRequest?: CertificateRequestInfo;
  serverChain: Buffer[];
  /** The client's Certificate message, when one was sent (possibly empty). */
  clientChainSent?: Buffer[];
  /** Alerts the server sent, close_notify included, in order. */
  serverAlerts: TlsAlert[];
  /** First alert the client sent other than close_notify. */
  clientAlert?: TlsAlert;
  sessionTickets: number;
  serverApplicationRecords: number;
  /** Records from the server that could not be read. */
  opaqueServerRecords: number;
  /** Parse or decryption problems, for --verbose reports. */
  problems: string[];
}

/** Callbacks for server events that can settle a verdict. */
export interface TapListener {
  serverAlert(alert: TlsAlert): void;
  serverTicket(): void;
  serverApplicationData(): void;
}

/** The facts of a connection before any byte was seen. */
export function blankTapFacts(): TapFacts {
  return {
    firstServerBytes: Buffer.alloc(0),
    helloRetryRequest: false,
    serverChain: [],
    serverAlerts: [],
    sessionTickets: 0,
    serverApplicationRecords: 0,
    opaqueServerRecords: 0,
    problems: [],
  };
}

/** Observes one TLS client connection from its bytes and its keylog. */
export class HandshakeTap {
  readonly facts: TapFacts = blankTapFacts();
  private readonly secrets = new Map<string, Buffer>();
  private readonly server: RecordStream;
  private readonly client: RecordStream;

  constructor(private readonly listener: TapListener) {
    const secret = (label: string) => this.secrets.get(label);
    this.server = new RecordStream(SERVER_LABELS, secret, {
      handshake: (m) => this.guard(() => this.onServerHandshake(m)),
      alert: (a) => this.onServerAlert(a),
      applicationData: () => this.onServerApplicationData(),
      opaque: () => void this.facts.opaqueServerRecords++,
      problem: (p) => this.facts.problems.push(`server records: ${p}`),
    });
    this.client = new RecordStream(CLIENT_LABELS, secret, {
      handshake: (m) => this.guard(() => this.onClientHandshake(m)),
      alert: (a) => this.onClientAlert(a),
      applicationData: () => undefined,
      opaque: () => undefined,
      problem: (p) => this.facts.problems.push(`client records: ${p}`),
    });
  }

  /** Whether TLS 1.3 was negotiated (known once the ServerHello arrived). */
  get tls13(): boolean {
    return this.facts.serverHello?.version === 0x0304;
  }

  /** Bytes the server sent, in order. */
  fromServer(chunk: Buffer): void {
    const kept = this.facts.firstServerBytes;
    if (kept.length < FIRST_BYTES) {
      this.facts.firstServerBytes = Buffer.concat([
        kept,
        chunk.subarray(0, FIRST_BYTES - kept.length),
      ]);
    }
    this.guard(() => this.server.push(chunk));
  }

  /** Bytes the client's TLS engine wrote, in order. */
  fromClient(chunk: Buffer): void {
    this.guard(() => this.client.push(chunk));
  }

  /** One NSS key log line from the TLS socket's `keylog` event. */
  keylog(line: Buffer): void {
    const [label, , secretHex] = line.toString('latin1').trim().split(' ');
    if (!label || !secretHex) return;
    this.secrets.set(label, Buffer.from(secretHex, 'hex'));
    this.guard(() => this.server.drain());
    this.guard(() => this.client.drain());
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.facts.problems.push(`unreadable TLS structure: ${(error as Error).message}`);
    }
  }

  private onServerHandshake(message: HandshakeMessage): void {
    switch (message.type) {
      case HANDSHAKE.serverHello:
        return this.onServerHello(parseServerHello(message.body));
      case HANDSHAKE.certificate:
        this.facts.serverChain = parseCertificateMessage(message.body, this.tls13);
        return;
      case HANDSHAKE.certificateRequest:
        this.facts.certificateRequest = this.tls13
          ? parseCertificateRequest13(message.body)
          : parseCertificateRequest12(message.body);
        return;
      case HANDSHAKE.newSessionTicket:
        this.facts.sessionTickets++;
        this.listener.serverTicket();
        return;
    }
  }

  private onServerHello(hello: ServerHelloInfo): void {
    if (hello.helloRetryRequest) {
      this.facts.helloRetryRequest = true;
      this.server.markTls13();
      this.client.markTls13();
      return;
    }
    this.facts.serverHello = hello;
    if (hello.version !== 0x0304) return;
    this.server.markTls13();
    this.client.markTls13();
    const suite = TLS13_SUITES[hello.cipherSuite];
    if (!suite) {
      this.facts.problems.push(
        `cannot read TLS 1.3 records of cipher suite 0x${hello.cipherSuite.toString(16)}`,
      );
      return;
    }
    this.server.useTls13(suite);
    this.client.useTls13(suite);
  }

  private onClientHandshake(message: HandshakeMessage): void {
    if (message.type === HANDSHAKE.certificate) {
      this.facts.clientChainSent = parseCertificateMessage(message.body, this.tls13);
    }
  }

  private onServerAlert(alert: TlsAlert): void {
    this.facts.serverAlerts.push(alert);
    this.listener.serverAlert(alert);
  }

  private onServerApplicationData(): void {
    this.facts.serverApplicationRecords++;
    this.listener.serverApplicationData();
  }

  private onClientAlert(alert: TlsAlert): void {
    if (alert.description !== 0) this.facts.clientAlert ??= alert;
  }
}
