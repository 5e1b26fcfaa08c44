/**
 * A byte tap under a TLS client: Node reads a plain net.Socket in C++, so
 * the TLS layer is given a Duplex that relays every byte through JavaScript
 * and keeps a copy of what the server sent.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** Relays a TCP socket to a TLS client and records the server's bytes. */
export class ServerBytesTap extends Duplex {
  private readonly chunks: Buffer[] = [];

  constructor(private readonly raw: Socket) {
    super();
    raw.setNoDelay(true);
    raw.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.push(chunk);
    });
    raw.on('end', () => this.push(null));
    raw.on('error', (error) => this.destroy(error));
  }

  /** Everything the server sent so far. */
  received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    // After the peer closed, writes go nowhere; failing them would make Node
    // report a misleading write-after-end instead of the real cause.
    if (this.raw.destroyed || !this.raw.writable) return done();
    this.raw.write(chunk, () => done());
  }

  override _final(done: () => void): void {
    this.raw.end();
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.raw.destroy();
    done(error);
  }
}
