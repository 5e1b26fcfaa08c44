/**
 * Finds the server's Certificate handshake message in the raw bytes of a
 * handshake, to report the chain exactly as sent (order, extras, root
 * included). TLS 1.2 sends it in clear; TLS 1.3 encrypts it under the server
 * handshake traffic secret, which the client's keylog event provides
 * (RFC 8446 5.2, 7.1-7.3).
 */
import { createDecipheriv, createHmac } from 'node:crypto';

/** What decryption needs for TLS 1.3. */
export interface Tls13Secrets {
  /** IANA name as node's getCipher().standardName gives it. */
  cipher: string;
  /** SERVER_HANDSHAKE_TRAFFIC_SECRET from the keylog. */
  serverHandshakeSecret: Buffer;
}

const SUITES: Record<string, { hash: string; keyLength: number; algorithm: string }> = {
  TLS_AES_128_GCM_SHA256: { hash: 'sha256', keyLength: 16, algorithm: 'aes-128-gcm' },
  TLS_AES_256_GCM_SHA384: { hash: 'sha384', keyLength: 32, algorithm: 'aes-256-gcm' },
  TLS_CHACHA20_POLY1305_SHA256: { hash: 'sha256', keyLength: 32, algorithm: 'chacha20-poly1305' },
};

const HANDSHAKE = 22;
const CHANGE_CIPHER_SPEC = 20;
const APPLICATION_DATA = 23;
const CERTIFICATE = 11;

/**
 * Returns the DER certificates of the server's Certificate message, in the
 * order sent, or undefined when the bytes do not hold one that can be read.
 */
export function sentCertificates(serverBytes: Buffer, tls13?: Tls13Secrets): Buffer[] | undefined {
  const handshake: Buffer[] = [];
  const decrypt = tls13 ? recordDecrypter(tls13) : undefined;
  for (const record of records(serverBytes)) {
    if (record.type === CHANGE_CIPHER_SPEC && !tls13) break; // TLS 1.2: what follows is encrypted
    if (record.type === HANDSHAKE) handshake.push(record.body);
    if (record.type === APPLICATION_DATA && decrypt) {
      const inner = decrypt(record.header, record.body);
      if (!inner) break; // application traffic keys from here on
      if (inner.type === HANDSHAKE) handshake.push(inner.body);
    }
  }
  const message = findMessage(Buffer.concat(handshake), CERTIFICATE);
  return message && parseCertificateList(message, tls13 !== undefined);
}

function* records(bytes: Buffer) {
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = bytes.readUInt16BE(at + 3);
    if (at + 5 + length > bytes.length) return;
    yield { type: bytes[at]!, header: bytes.subarray(at, at + 5), body: bytes.subarray(at + 5, at + 5 + length) };
    at += 5 + length;
  }
}

function recordDecrypter(secrets: Tls13Secrets) {
  const suite = SUITES[secrets.cipher];
  if (!suite) return undefined;
  const key = expandLabel(suite.hash, secrets.serverHandshakeSecret, 'key', suite.keyLength);
  const iv = expandLabel(suite.hash, secrets.serverHandshakeSecret, 'iv', 12);
  let sequence = 0n;
  return (header: Buffer, body: Buffer): { type: number; body: Buffer } | undefined => {
    const nonce = Buffer.from(iv);
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(sequence++);
    for (let i = 0; i < 8; i++) nonce[4 + i]! ^= seq[i]!;
    try {
      const decipher = createDecipheriv(suite.algorithm as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
      decipher.setAAD(header);
      decipher.setAuthTag(body.subarray(body.length - 16));
      const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
      let end = plain.length;
      while (end > 0 && plain[end - 1] === 0) end--;
      return { type: plain[end - 1]!, body: plain.subarray(0, end - 1) };
    } catch {
      return undefined;
    }
  };
}

/** HKDF-Expand-Label (RFC 8446 7.1) with an empty context. */
export function expandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, fullLabel.length]), fullLabel, Buffer.from([0])]);
  const out: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    previous = createHmac(hash, secret).update(Buffer.concat([previous, info, Buffer.from([i])])).digest();
    out.push(previous);
  }
  return Buffer.concat(out).subarray(0, length);
}

function findMessage(stream: Buffer, type: number): Buffer | undefined {
  for (let at = 0; at + 4 <= stream.length; ) {
    const length = stream.readUIntBE(at + 1, 3);
    if (stream[at] === type) return stream.subarray(at + 4, at + 4 + length);
    at += 4 + length;
  }
  return undefined;
}

function parseCertificateList(message: Buffer, tls13: boolean): Buffer[] | undefined {
  let at = tls13 ? 1 + message[0]! : 0; // TLS 1.3: certificate_request_context first
  const end = at + 3 + message.readUIntBE(at, 3);
  at += 3;
  const certs: Buffer[] = [];
  while (at + 3 <= end && end <= message.length) {
    const length = message.readUIntBE(at, 3);
    certs.push(Buffer.from(message.subarray(at + 3, at + 3 + length)));
    at += 3 + length;
    if (tls13) at += 2 + message.readUInt16BE(at); // per-certificate extensions
  }
  return certs.length > 0 ? certs : undefined;
}
