/**
 * One direction of a TLS connection as seen on the wire: records in, content
 * out (handshake messages, alerts, application data). TLS 1.3 records are
 * decrypted with the sender's traffic secret once `keylog` has delivered it;
 * until then they wait in a queue, in order.
 */
import { toAlert } from './alerts.js';
import {
  CONTENT,
  HANDSHAKE,
  HandshakeAssembler,
  RecordSplitter,
  type HandshakeMessage,
  type TlsRecord,
} from './record-layer.js';
import {
  decryptRecord,
  deriveTrafficKeys,
  updateTrafficKeys,
  type Tls13Suite,
  type TrafficKeys,
} from './tls13-keys.js';
import type { TlsAlert } from './types.js';

/** What a direction reports, in wire order. */
export interface RecordStreamEvents {
  handshake(message: HandshakeMessage): void;
  alert(alert: TlsAlert): void;
  applicationData(length: number): void;
  /** A record that cannot be read (TLS 1.2 after ChangeCipherSpec, or a decryption failure). */
  opaque(record: TlsRecord): void;
  problem(message: string): void;
}

/** Keylog labels of one sender's handshake and first application secrets. */
export interface SecretLabels {
  handshake: string;
  application: string;
}

/** Labels for records the client writes. */
export const CLIENT_LABELS: SecretLabels = {
  handshake: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  application: 'CLIENT_TRAFFIC_SECRET_0',
};
/** Labels for records the server writes. */
export const SERVER_LABELS: SecretLabels = {
  handshake: 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  application: 'SERVER_TRAFFIC_SECRET_0',
};

/** Reads one direction's records, decrypting TLS 1.3 ones when it can. */
export class RecordStream {
  private readonly splitter = new RecordSplitter();
  private readonly assembler = new HandshakeAssembler();
  private readonly queue: TlsRecord[] = [];
  private tls13 = false;
  private suite: Tls13Suite | undefined;
  private stage: 'handshake' | 'application' = 'handshake';
  private keys: TrafficKeys | undefined;
  private encrypted12 = false;
  private broken = false;

  constructor(
    private readonly labels: SecretLabels,
    private readonly secret: (label: string) => Buffer | undefined,
    private readonly events: RecordStreamEvents,
  ) {}

  /** Notes TLS 1.3 before the suite is known (a HelloRetryRequest). */
  markTls13(): void {
    this.tls13 = true;
  }

  /** Switches to TLS 1.3 record protection with the negotiated suite. */
  useTls13(suite: Tls13Suite): void {
    this.tls13 = true;
    this.suite = suite;
  }

  /** Adds bytes in wire order. */
  push(chunk: Buffer): void {
    this.queue.push(...this.splitter.push(chunk));
    this.drain();
  }

  /** Retries queued records; call when a keylog line arrives. */
  drain(): void {
    while (this.queue.length > 0 && this.read(this.queue[0]!)) this.queue.shift();
  }

  /** Handles one record; false means its key is not known yet. */
  private read(record: TlsRecord): boolean {
    if (record.type === CONTENT.changeCipherSpec) {
      // TLS 1.3 sends it only for middlebox compatibility (RFC 8446 D.4).
      // TODO: TLS 1.2 records after ChangeCipherSpec stay opaque (the CLIENT_RANDOM keylog line could unlock them), so a later encrypted TLS 1.2 alert is known only from Node's error.
      if (!this.tls13) this.encrypted12 = true;
      return true;
    }
    if (this.suite && record.type === CONTENT.applicationData) return this.readProtected(record);
    if (this.encrypted12 || this.broken) this.events.opaque(record);
    else this.dispatch(record.type, record.fragment);
    return true;
  }

  private readProtected(record: TlsRecord): boolean {
    if (this.broken) {
      this.events.opaque(record);
      return true;
    }
    const keys = this.currentKeys();
    if (!keys) return false;
    try {
      const inner = decryptRecord(keys, record.header, record.fragment);
      this.dispatch(inner.type, inner.content);
    } catch (error) {
      this.broken = true;
      this.events.problem(`cannot decrypt a ${this.stage} record: ${(error as Error).message}`);
      this.events.opaque(record);
    }
    return true;
  }

  private currentKeys(): TrafficKeys | undefined {
    if (this.keys || !this.suite) return this.keys;
    const label = this.stage === 'handshake' ? this.labels.handshake : this.labels.application;
    const secret = this.secret(label);
    if (secret) this.keys = deriveTrafficKeys(this.suite, secret);
    return this.keys;
  }

  private dispatch(type: number, content: Buffer): void {
    if (type === CONTENT.handshake) {
      for (const message of this.assembler.push(content)) this.onHandshake(message);
    } else if (type === CONTENT.alert && content.length >= 2) {
      this.events.alert(toAlert(content[0]!, content[1]!));
    } else if (type === CONTENT.applicationData) {
      this.events.applicationData(content.length);
    }
  }

  private onHandshake(message: HandshakeMessage): void {
    this.events.handshake(message);
    if (!this.suite || !this.keys) return;
    // After a sender's Finished its application secret applies, counter at 0.
    if (message.type === HANDSHAKE.finished && this.stage === 'handshake') {
      this.stage = 'application';
      this.keys = undefined;
    } else if (message.type === HANDSHAKE.keyUpdate) {
      this.keys = updateTrafficKeys(this.keys);
    }
  }
}
