// One mutual-TLS call between two services with the files `mtlsctl issue`
// wrote: a node:tls server with the server's chain and key that demands a
// client certificate from the same CA, and a client with the client's files.
// Prints the identities each side verified, then exits (0 on success).
// Usage: node mtls-call.mjs <client-dir> <server-dir>
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import tls from 'node:tls';

const [clientDir, serverDir] = process.argv.slice(2);
if (!clientDir || !serverDir) {
  process.stderr.write('usage: node mtls-call.mjs <client-dir> <server-dir>\n');
  process.exit(2);
}
const files = (dir) => ({
  cert: readFileSync(`${dir}/chain.pem`),
  key: readFileSync(`${dir}/key.pem`),
  ca: readFileSync(`${dir}/ca.pem`),
});
const spiffe = (cert) => (cert.subjectaltname ?? '').split(', ').find((n) => n.startsWith('URI:spiffe://'))?.slice(4) ?? '(no SPIFFE ID)';
const serverName = basename(serverDir);
const timer = setTimeout(() => fail('timed out after 10 s'), 10_000);

function fail(message) {
  process.stderr.write(`mTLS call failed: ${message}\n`);
  process.exit(1);
}

const server = tls.createServer({ ...files(serverDir), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (socket) => {
  const peer = socket.getPeerCertificate();
  socket.end(`hello ${peer.subject.CN}, this is ${serverName}\n`);
  console.log(`server ${serverName} verified client: CN=${peer.subject.CN} ${spiffe(peer)}`);
});
server.on('tlsClientError', (error) => fail(`server rejected the client: ${error.message}`));

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const socket = tls.connect({ ...files(clientDir), host: '127.0.0.1', port, servername: serverName }, () => {
    const peer = socket.getPeerCertificate();
    console.log(`client ${basename(clientDir)} verified server: CN=${peer.subject.CN} ${spiffe(peer)} (${socket.getProtocol()}, ${socket.getCipher().name})`);
  });
  socket.on('error', (error) => fail(`client: ${error.message}`));
  let reply = '';
  socket.on('data', (chunk) => (reply += chunk));
  socket.on('end', () => {
    console.log(`reply: ${reply.trim()}`);
    clearTimeout(timer);
    server.close();
  });
});
