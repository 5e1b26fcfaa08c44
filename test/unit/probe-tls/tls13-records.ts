/** Builders of TLS records and messages for probe-tls unit tests. */
import { createCipheriv } from 'node:crypto';
import type { TrafficKeys } from '../../../src/probe/tls13-keys.js';

export const u16 = (n: number) => Buffer.of(n >> 8, n & 0xff);
export const u24 = (n: number) => Buffer.of(n >> 16, (n >> 8) & 0xff, n & 0xff);

/** A vector with a 1, 2 or 3 byte length prefix. */
export function vec(lengthBytes: 1 | 2 | 3, body: Buffer): Buffer {
  const prefix =
    lengthBytes === 1
      ? Buffer.of(body.length)
      : lengthBytes === 2
        ? u16(body.length)
        : u24(body.length);
  return Buffer.concat([prefix, body]);
}

/** A plaintext record. */
export const record = (type: number, fragment: Buffer) =>
  Buffer.concat([Buffer.of(type, 3, 3), u16(fragment.length), fragment]);

/** A handshake message. */
export const message = (type: number, body: Buffer) =>
  Buffer.concat([Buffer.of(type), u24(body.length), body]);

/** A ServerHello body; supported_versions is added when given. */
export function serverHello(random: Buffer, suite: number, supportedVersion?: number): Buffer {
  const extensions = supportedVersion
    ? Buffer.concat([u16(43), vec(2, u16(supportedVersion))])
    : Buffer.alloc(0);
  return Buffer.concat([
    u16(0x0303),
    random,
    vec(1, Buffer.alloc(32, 9)),
    u16(suite),
    Buffer.of(0),
    vec(2, extensions),
  ]);
}

/** Protects one record as a TLS 1.3 peer does (RFC 8446 5.2), with optional zero padding. */
export function seal(
  keys: TrafficKeys,
  sequence: bigint,
  type: number,
  content: Buffer,
  padding = 0,
): Buffer {
  const inner = Buffer.concat([content, Buffer.of(type), Buffer.alloc(padding)]);
  const header = Buffer.of(23, 3, 3, 0, 0);
  header.writeUInt16BE(inner.length + 16, 3);
  const nonce = Buffer.from(keys.iv);
  const seq = Buffer.alloc(8);
  seq.writeBigUInt64BE(sequence);
  for (let i = 0; i < 8; i++) nonce[4 + i]! ^= seq[i]!;
  const cipher = createCipheriv(keys.suite.algorithm as 'aes-128-gcm', keys.key, nonce, {
    authTagLength: 16,
  });
  cipher.setAAD(header, { plaintextLength: inner.length });
  return Buffer.concat([header, cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
}
