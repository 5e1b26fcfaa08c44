/** node:net and node:tls servers on 127.0.0.1:0, bounded in time and stopped by the test. */
import { once } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer, type TlsOptions } from 'node:tls';
import { MAX_LIFE_MS, type Cleanup, type Peer } from './peer.js';

/** Starts a TCP server on 127.0.0.1:0; after the test, drops its connections and closes it. */
export async function startTcpServer(t: Cleanup, server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** Starts a node:tls server on 127.0.0.1:0 that ends every accepted connection cleanly. */
export async function startNodeTls(options: TlsOptions): Promise<Peer> {
  const server = createServer(options, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const life = setTimeout(() => server.close(), MAX_LIFE_MS);
  life.unref();
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => { clearTimeout(life); server.close(() => resolve()); }),
  };
}
