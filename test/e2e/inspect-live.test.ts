import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { mtlsctl } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitForPort } from '../helpers/ports.js';
import { makeTestCa, makeTestLeaf, writeLeafFiles } from '../helpers/mini-ca.js';

type After = { after(fn: () => unknown): void };

/** Starts a server on host, port 0, and closes it when the test ends. */
async function listen(t: After, server: Server, host = '127.0.0.1'): Promise<number> {
  const sockets = new Set<{ destroy(): void }>();
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  // close() waits for open connections, so end them first and do not wait.
  t.after(() => {
    sockets.forEach((s) => s.destroy());
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

async function tlsServer(t: After, options: TlsOptions, host = '127.0.0.1'): Promise<number> {
  const server = createTlsServer(options, (socket) => socket.end());
  server.on('tlsClientError', () => {});
  return listen(t, server, host);
}


async function service(t: After) {
  const dir = await tempDir(t);
  const ca = await makeTestCa();
  const leaf = await makeTestLeaf(ca);
  const files = await writeLeafFiles(dir, 'svc', leaf, ca);
  return { dir, ca, leaf, files };
}

describe('mtlsctl inspect on live endpoints', () => {
  test('when a node:tls server on 127.0.0.1 sends leaf and intermediate then inspect shows exactly those and trusts them with --ca', async (t) => {
    const { dir, leaf, files } = await service(t);
    const port = await tlsServer(t, { cert: leaf.chainPem, key: leaf.keyPem });
    const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.inputs[0].kind, 'endpoint');
    assert.equal(doc.inputs[0].certificates, 2, 'the root is not added to what the server sent');
    assert.deepEqual(doc.verification.checks, { purpose: 'server', name: null, ip: '127.0.0.1', uri: null });
    assert.equal(doc.verification.trusted, true);
    assert.deepEqual(doc.chain.path.length, 3);
    const matching = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--key', files.key], { cwd: dir });
    assert.equal(matching.exitCode, 0, matching.stdout);
    assert.match(matching.stdout, /^Endpoint 127\.0\.0\.1:\d+: TLSv1\.3, no SNI, 2 certificates sent\n/);
    const other = await makeTestLeaf(await makeTestCa());
    await writeFile(join(dir, 'other.key'), other.keyPem, { mode: 0o600 });
    const mismatch = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--key', 'other.key', '--json'], { cwd: dir });
    assert.equal(mismatch.exitCode, 1);
    assert.deepEqual(JSON.parse(mismatch.stdout).findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { code: string }) => f.code), ['KEY_MISMATCH']);
  });

  test('when no --ca is given for an endpoint then the system store is used and a private CA is untrusted', async (t) => {
    const { dir, leaf } = await service(t);
    const port = await tlsServer(t, { cert: leaf.chainPem, key: leaf.keyPem });
    const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--json'], { cwd: dir });
    assert.equal(r.exitCode, 1);
    const doc = JSON.parse(r.stdout);
    assert.match(doc.verification.trustSource, /^system/);
    assert.equal(doc.verification.failure.code, 'CHAIN_UNTRUSTED');
  });

  test('when the server listens on [::1] with SNI then inspect connects over IPv6 and checks the SNI name', async (t) => {
    const { dir, leaf, files } = await service(t);
    // Containers without IPv6 have no ::1; the endpoint parsing is unit-tested apart.
    const port = await tlsServer(t, { cert: leaf.chainPem, key: leaf.keyPem }, '::1').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') return undefined;
      throw error;
    });
    if (port === undefined) return t.skip('no IPv6 loopback on this machine');
    const r = await mtlsctl(['inspect', `[::1]:${port}`, '--servername', 'localhost', '--ca', files.ca], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Verification against .*, purpose server, name\s+localhost\n +OK: trusted path/);
    const wrong = await mtlsctl(['inspect', `[::1]:${port}`, '--servername', 'elsewhere.test', '--ca', files.ca, '--json'], { cwd: dir });
    assert.equal(wrong.exitCode, 1);
    assert.equal(JSON.parse(wrong.stdout).verification.failure.code, 'NAME_MISMATCH');
  });

  test('when openssl s_server sends only the leaf then CHAIN_MISSING_INTERMEDIATE is the failing step', async (t) => {
    const { dir, files } = await service(t);
    const port = await freePort();
    const server = execa('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', files.cert, '-key', files.key, '-naccept', '2', '-quiet'], { reject: false, timeout: 30_000 });
    t.after(() => server.kill());
    await waitForPort(port);
    const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--json'], { cwd: dir });
    assert.equal(r.exitCode, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.inputs[0].certificates, 1);
    assert.equal(doc.verification.failure.code, 'CHAIN_MISSING_INTERMEDIATE');
  });

  test('when openssl s_server sends the full chain then inspect trusts it', async (t) => {
    const { dir, files } = await service(t);
    const chainOnly = join(dir, 'inter.pem');
    await writeFile(chainOnly, (await import('node:fs')).readFileSync(files.chain, 'utf8').split(/(?<=-----END CERTIFICATE-----\n)/)[1]!);
    const port = await freePort();
    const server = execa('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', files.cert, '-key', files.key, '-cert_chain', chainOnly, '-naccept', '2', '-quiet'], { reject: false, timeout: 30_000 });
    t.after(() => server.kill());
    await waitForPort(port);
    const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Certificate 2: 127\.0\.0\.1:\d+#2\n  subject +CN=Test Root CA Intermediate/);
  });

  for (const version of ['-tls1_2', '-tls1_3']) {
    test(`when openssl s_server (${version}) sends a messy chain then inspect reports it exactly as sent`, async (t) => {
      const { dir, ca, files } = await service(t);
      const stranger = await makeTestCa({ name: 'Stranger', intermediate: false });
      const extra = join(dir, 'extra.pem');
      await writeFile(extra, stranger.root.certPem + ca.root.certPem + ca.intermediate!.certPem);
      const port = await freePort();
      const server = execa('openssl', ['s_server', version, '-accept', `127.0.0.1:${port}`, '-cert', files.cert, '-key', files.key, '-cert_chain', extra, '-naccept', '2', '-quiet'], { reject: false, timeout: 30_000 });
      t.after(() => server.kill());
      await waitForPort(port);
      const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--json'], { cwd: dir });
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.inputs[0].chainAsSent, true);
      assert.equal(doc.inputs[0].protocol, version === '-tls1_2' ? 'TLSv1.2' : 'TLSv1.3');
      assert.deepEqual(doc.certificates.map((c: { subject: string }) => c.subject), ['CN=localhost', 'CN=Stranger', 'CN=Test Root CA', 'CN=Test Root CA Intermediate']);
      const codes = doc.findings.map((f: { code: string }) => f.code);
      for (const code of ['CHAIN_OUT_OF_ORDER', 'CHAIN_ROOT_INCLUDED', 'CHAIN_UNRELATED_CERT']) assert.ok(codes.includes(code), `${code} in ${codes}`);
      assert.equal(doc.verification.trusted, true);
      assert.equal(r.exitCode, 0, 'warnings only');
    });
  }

  test('when a TLS 1.2 server demands a client certificate then inspect still shows its chain and says it was refused', async (t) => {
    const { dir, ca, leaf, files } = await service(t);
    const port = await tlsServer(t, { cert: leaf.chainPem, key: leaf.keyPem, ca: ca.trustPem, requestCert: true, rejectUnauthorized: true, maxVersion: 'TLSv1.2' });
    const bare = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--json'], { cwd: dir });
    assert.equal(bare.exitCode, 0, bare.stdout + bare.stderr);
    const doc = JSON.parse(bare.stdout);
    assert.equal(doc.inputs[0].protocol, 'TLSv1.2');
    assert.equal(doc.inputs[0].certificates, 2);
    assert.equal(doc.inputs[0].chainAsSent, true);
    assert.equal(doc.inputs[0].clientCertificate.requested, true);
    assert.ok(doc.inputs[0].handshakeError, 'the refusal is reported');
    assert.equal(doc.verification.trusted, true);
    const client = await makeTestLeaf(ca, { usage: 'client' });
    await writeFile(join(dir, 'client.pem'), client.chainPem);
    await writeFile(join(dir, 'client.key'), client.keyPem, { mode: 0o600 });
    const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--cert', 'client.pem', '--key', 'client.key', '--json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).inputs[0].handshakeError, null);
  });

  for (const version of ['-tls1_2', '-tls1_3']) {
    test(`when openssl s_server -Verify 2 (${version}) asks for a client certificate then inspect names the CAs it accepts`, async (t) => {
      const { dir, ca, files } = await service(t);
      const inter = join(dir, 'inter.pem');
      await writeFile(inter, ca.intermediate!.certPem);
      const port = await freePort();
      const server = execa('openssl', ['s_server', version, '-accept', `127.0.0.1:${port}`, '-cert', files.cert, '-cert_chain', inter, '-key', files.key, '-Verify', '2', '-CAfile', files.ca, '-naccept', '3', '-quiet'], { reject: false, timeout: 30_000 });
      t.after(() => server.kill());
      await waitForPort(port);
      const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca], { cwd: dir });
      assert.equal(r.exitCode, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /\n  server requests a client certificate \(accepts: CN=Test Root CA\); check it\s+with\s+mtlsctl\s+probe\n/);
      const json = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--json'], { cwd: dir });
      const input = JSON.parse(json.stdout).inputs[0];
      assert.deepEqual(input.clientCertificate, { requested: true, acceptableCaNames: ['CN=Test Root CA'] });
      assert.equal(input.certificates, 2);
      assert.match(input.handshakeError, version === '-tls1_3' ? /certificate_required/ : /handshake_failure|CLOSED_NO_ALERT|ERR_SSL/);
    });
  }

  test('when the server asks for no client certificate then inspect says nothing about one', async (t) => {
    const { dir, leaf, files } = await service(t);
    const port = await tlsServer(t, { cert: leaf.chainPem, key: leaf.keyPem });
    const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca, '--json'], { cwd: dir });
    assert.deepEqual(JSON.parse(r.stdout).inputs[0].clientCertificate, { requested: false, acceptableCaNames: [] });
    const human = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--ca', files.ca], { cwd: dir });
    assert.doesNotMatch(human.stdout, /client certificate/);
  });

  test('when a plain TCP server answers with a banner then inspect says it does not speak TLS (exit 5)', async (t) => {
    const dir = await tempDir(t);
    const port = await listen(t, createTcpServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n')));
    const r = await mtlsctl(['inspect', `127.0.0.1:${port}`], { cwd: dir });
    assert.equal(r.exitCode, 5);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: 127\.0\.0\.1:\d+ does not speak TLS .*\[NOT_TLS\]\nhint: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('when a TCP server accepts and stays silent then inspect gives up after --timeout (exit 5)', async (t) => {
    const dir = await tempDir(t);
    const port = await listen(t, createTcpServer(() => {}));
    const r = await mtlsctl(['inspect', `127.0.0.1:${port}`, '--timeout', '1s'], { cwd: dir });
    assert.equal(r.exitCode, 5);
    assert.match(r.stderr, /^error: no TLS handshake with 127\.0\.0\.1:\d+ within 1s \[CONNECT_TIMEOUT\]/);
  });
});

