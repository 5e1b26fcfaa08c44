/**
 * TLS record and handshake framing (RFC 8446 5.1 and 4, RFC 5246 6.2 and 7.4),
 * for reading a byte stream that Node's TLS engine writes or receives.
 * Parsing is defensive: a malformed structure ends up as a RangeError that the
 * caller records, never as a crash of the observed connection.
 */

/** TLS ContentType values. */
export const CONTENT = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

/** HandshakeType values the observer looks at. */
export const HANDSHAKE = {
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  encryptedExtensions: 8,
  certificate: 11,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  finished: 20,
  keyUpdate: 24,
} as const;

/** One TLSPlaintext / TLSCiphertext record. */
export interface TlsRecord {
  type: number;
  /** The 5-byte header, which TLS 1.3 authenticates as additional data. */
  header: Buffer;
  fragment: Buffer;
}

/** One handshake message, reassembled across records. */
export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

const HEADER_LENGTH = 5;

/**
 * Returns whether the first bytes can start a TLS record: a content type
 * 0x14-0x18, then major version 3 and a minor version 0-4.
 */
export function looksLikeTlsRecord(bytes: Buffer): boolean {
  if (bytes.length === 0) return true;
  if (bytes[0]! < 0x14 || bytes[0]! > 0x18) return false;
  if (bytes.length > 1 && bytes[1] !== 3) return false;
  return bytes.length < 3 || bytes[2]! <= 4;
}

/** Cuts a byte stream into records, keeping a partial record for later. */
export class RecordSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds bytes and returns every record completed by them. */
  push(chunk: Buffer): TlsRecord[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const records: TlsRecord[] = [];
    while (this.pending.length >= HEADER_LENGTH) {
      const length = this.pending.readUInt16BE(3);
      if (this.pending.length < HEADER_LENGTH + length) break;
      records.push({
        type: this.pending[0]!,
        header: this.pending.subarray(0, HEADER_LENGTH),
        fragment: this.pending.subarray(HEADER_LENGTH, HEADER_LENGTH + length),
      });
      this.pending = this.pending.subarray(HEADER_LENGTH + length);
    }
    return records;
  }
}

/**
 * Joins handshake fragments into messages: one record may hold several
 * messages, and one message may span many records (a CertificateRequest
 * with a hundred CA names does).
 */
export class HandshakeAssembler {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds a handshake fragment and returns the messages it completes. */
  push(fragment: Buffer): HandshakeMessage[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, fragment]) : fragment;
    const messages: HandshakeMessage[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readUIntBE(1, 3);
      if (this.pending.length < 4 + length) break;
      messages.push({ type: this.pending[0]!, body: this.pending.subarray(4, 4 + length) });
      this.pending = this.pending.subarray(4 + length);
    }
    return messages;
  }
}

/** A forward-only reader of TLS presentation-language fields. */
export class TlsReader {
  constructor(
    private readonly buf: Buffer,
    private offset = 0,
  ) {}

  /** Bytes left to read. */
  get remaining(): number {
    return this.buf.length - this.offset;
  }

  /** Reads an unsigned integer of 1-3 bytes. */
  uint(bytes: 1 | 2 | 3): number {
    this.need(bytes);
    const value = this.buf.readUIntBE(this.offset, bytes);
    this.offset += bytes;
    return value;
  }

  /** Reads `length` raw bytes. */
  bytes(length: number): Buffer {
    this.need(length);
    const out = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** Reads a vector with a 1-3 byte length prefix. */
  vector(lengthBytes: 1 | 2 | 3): Buffer {
    return this.bytes(this.uint(lengthBytes));
  }

  private need(length: number): void {
    if (this.offset + length > this.buf.length) throw new RangeError('truncated TLS structure');
  }
}

/** Reads an extensions block into a map from extension type to data. */
export function readExtensions(block: Buffer): Map<number, Buffer> {
  const reader = new TlsReader(block);
  const extensions = new Map<number, Buffer>();
  while (reader.remaining > 0) {
    const type = reader.uint(2);
    extensions.set(type, reader.vector(2));
  }
  return extensions;
}

/** Reads a vector of 16-bit values (cipher suites, signature schemes). */
export function readUint16List(data: Buffer): number[] {
  const values: number[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) values.push(data.readUInt16BE(i));
  return values;
}

/** SHA-256("HelloRetryRequest"): the ServerHello.random of an HRR (RFC 8446 4.1.3). */
const HELLO_RETRY_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);

/** What the ServerHello settles. */
export interface ServerHelloInfo {
  /** 0x0304 for TLS 1.3 (from supported_versions), else legacy_version. */
  version: number;
  cipherSuite: number;
  helloRetryRequest: boolean;
}

/** Parses a ServerHello body (RFC 8446 4.1.3, RFC 5246 7.4.1.3). */
export function parseServerHello(body: Buffer): ServerHelloInfo {
  const reader = new TlsReader(body);
  const legacyVersion = reader.uint(2);
  const random = reader.bytes(32);
  reader.vector(1);
  const cipherSuite = reader.uint(2);
  reader.uint(1);
  const extensions =
    reader.remaining > 0 ? readExtensions(reader.vector(2)) : new Map<number, Buffer>();
  const supported = extensions.get(43);
  return {
    version: supported?.length === 2 ? supported.readUInt16BE(0) : legacyVersion,
    cipherSuite,
    helloRetryRequest: random.equals(HELLO_RETRY_RANDOM),
  };
}

/**
 * Parses a Certificate message into DER certificates, leaf first.
 * TLS 1.3 adds a request context and per-entry extensions (RFC 8446 4.4.2).
 */
export function parseCertificateMessage(body: Buffer, tls13: boolean): Buffer[] {
  const reader = new TlsReader(body);
  if (tls13) reader.vector(1);
  const list = new TlsReader(reader.vector(3));
  const certificates: Buffer[] = [];
  while (list.remaining > 0) {
    certificates.push(Buffer.from(list.vector(3)));
    if (tls13) list.vector(2);
  }
  return certificates;
}
