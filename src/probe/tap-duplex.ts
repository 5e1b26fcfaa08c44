/**
 * A Duplex between Node's TLS engine and the raw TCP socket. A net.Socket
 * handed straight to `tls.connect({ socket })` is read in C++ and JavaScript
 * never sees its bytes; through this wrapper every byte passes the tap first,
 * in both directions.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** Receives the bytes of both directions. */
export interface ByteTap {
  fromServer(chunk: Buffer): void;
  fromClient(chunk: Buffer): void;
}

/**
 * Wraps `raw` so that `tap` sees all traffic. Ending or destroying the wrapper
 * leaves the raw socket open: after the client's close_notify the server's
 * answer still has to be read from it. The caller destroys `raw`.
 */
export function tapDuplex(raw: Socket, tap: ByteTap): Duplex {
  let readableEnded = false;
  const duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      tap.fromClient(chunk);
      // Writes after the peer's close are dropped quietly: refusing them makes
      // Node report a misleading ERR_STREAM_WRITE_AFTER_END.
      if (raw.writable && !raw.destroyed) raw.write(chunk);
      callback();
    },
    final(callback) {
      callback();
    },
    destroy(error, callback) {
      callback(error);
    },
  });
  const endReadable = () => {
    if (readableEnded || duplex.destroyed) return;
    readableEnded = true;
    duplex.push(null);
  };
  raw.on('data', (chunk: Buffer) => {
    tap.fromServer(chunk);
    if (!readableEnded && !duplex.destroyed) duplex.push(chunk);
  });
  raw.on('end', endReadable);
  raw.on('close', endReadable);
  raw.on('error', (error) => {
    if (!duplex.destroyed) duplex.destroy(error);
  });
  return duplex;
}
