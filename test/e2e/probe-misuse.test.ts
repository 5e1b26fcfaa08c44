/**
 * Regression tests for `mtlsctl probe` misuse and broken peers found by a
 * break-it session: every user mistake is one error line with a hint and the
 * right exit status; every odd peer gets the diagnosis that names its cause.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { makeProbeFixtures, type FixtureName, type LeafFiles } from './probe-fixtures.js';

let dir: string;
let f: Record<FixtureName, LeafFiles>;

/** Asserts the house error shape: nothing on stdout, `error: ... [CODE]`, a hint, no stack trace. */
function assertUserError(r: { exitCode: number; stdout: string; stderr: string }, exit: number, code: string, message: RegExp): void {
  assert.equal(r.exitCode, exit, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0]!, new RegExp(`^error: .*\\[${code}\\]$`));
  assert.match(lines[0]!, message);
  assert.match(lines.at(-1)!, /^hint: \S/);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
}

const listenOn = (server: NetServer | TlsServer) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe('mtlsctl probe refuses mistakes with one line and a hint', { concurrency: 4 }, () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtlsctl-probe-misuse-'));
    f = await makeProbeFixtures(dir);
    await writeFile(join(dir, 'empty.pem'), '');
    const der = await openssl(['x509', '-in', f.client.cert, '-outform', 'DER', '-out', join(dir, 'client.der')]);
    const enc = await openssl(['pkey', '-in', f.client.key, '-aes256', '-passout', 'pass:secret', '-out', join(dir, 'client-enc.key')]);
    // openssl req -x509 marks its certificate CA:TRUE: a pinned self-signed client identity looks like this.
    const pinned = await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=pinned', '-days', '2', '-keyout', join(dir, 'pinned.key'), '-out', join(dir, 'pinned.pem')]);
    const weak = await openssl(['req', '-x509', '-newkey', 'rsa:512', '-nodes', '-subj', '/CN=weak', '-days', '2', '-keyout', join(dir, 'weak.key'), '-out', join(dir, 'weak.pem')]);
    assert.equal(der.exitCode + enc.exitCode + pinned.exitCode + weak.exitCode, 0, der.stderr + enc.stderr + pinned.stderr + weak.stderr);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => string[], number, string, RegExp]> = [
    ['the target has port 0', () => ['127.0.0.1:0'], 2, 'USAGE_INVALID_VALUE', /has port 0/],
    ['--timeout is too long for a timer', () => ['127.0.0.1:1', '--timeout', '99999999999999999999d'], 2, 'USAGE_INVALID_VALUE', /longer than a day/],
    ['--timeout has no unit', () => ['127.0.0.1:1', '--timeout', '5'], 2, 'USAGE_INVALID_VALUE', /--timeout "5"/],
    ['--servername is empty', () => ['127.0.0.1:1', '--servername', ''], 2, 'USAGE_INVALID_VALUE', /--servername ""/],
    ['--key comes without --cert', () => ['127.0.0.1:1', '--key', f.client.key], 2, 'USAGE', /--key needs --cert/],
    ['--cert is an empty file', () => ['127.0.0.1:1', '--cert', join(dir, 'empty.pem'), '--key', f.client.key], 3, 'PEM_UNPARSEABLE', /it is empty/],
    ['--ca is an empty file', () => ['127.0.0.1:1', '--ca', join(dir, 'empty.pem')], 3, 'PEM_UNPARSEABLE', /it is empty/],
    ['--cert is the CA bundle', () => ['127.0.0.1:1', '--cert', f.client.ca, '--key', f.client.key], 3, 'CERT_IS_CA', /starts with a CA certificate \(CN=Probe Root CA\)/],
    ['--cert is DER', () => ['127.0.0.1:1', '--cert', join(dir, 'client.der'), '--key', f.client.key], 3, 'PEM_UNPARSEABLE', /DER/],
    ['--key is encrypted', () => ['127.0.0.1:1', '--cert', f.client.chain, '--key', join(dir, 'client-enc.key')], 3, 'PEM_UNPARSEABLE', /encrypted private key/],
    ['--ca is a directory', () => ['127.0.0.1:1', '--ca', dir], 3, 'FILE_NOT_FOUND', /it is a directory, not a PEM file \(EISDIR\)/],
    ['--cert does not exist', () => ['127.0.0.1:1', '--cert', join(dir, 'nope.pem'), '--key', f.client.key], 3, 'FILE_NOT_FOUND', /no such file \(ENOENT\)/],
  ];
  cases.push(
    ['--cert has a 512-bit RSA key', () => ['127.0.0.1:1', '--cert', join(dir, 'weak.pem'), '--key', join(dir, 'weak.key')], 3, 'PROBE_FILES_UNUSABLE', /key too small/],
    ['--listen gets a 512-bit RSA key', () => ['--listen', '127.0.0.1:0', '--cert', join(dir, 'weak.pem'), '--key', join(dir, 'weak.key'), '--ca', f.server.ca, '--timeout', '2s'], 3, 'PROBE_FILES_UNUSABLE', /key too small/],
  );
  for (const [what, args, exit, code, message] of cases) {
    test(`when ${what} then probe exits ${exit} with ${code} before connecting`, async () => {
      assertUserError(await mtlsctl(['probe', ...args()], { cwd: dir }), exit, code, message);
    });
  }

  test('when --cert is a self-signed CA certificate with its own key then probe goes ahead and connects', async () => {
    const closed = createNetServer();
    const port = await listenOn(closed);
    closed.close();
    const r = await mtlsctl(['probe', `127.0.0.1:${port}`, '--cert', join(dir, 'pinned.pem'), '--key', join(dir, 'pinned.key'), '--json'], { cwd: dir });
    assert.equal(JSON.parse(r.stdout).diagnosis.code, 'connection-refused', r.stderr);
    assert.equal(r.exitCode, 5);
  });

  test('when --listen names a port in use then the hint says another process holds it', async () => {
    const busy = createNetServer();
    const port = await listenOn(busy);
    try {
      const r = await mtlsctl(['probe', '--listen', `127.0.0.1:${port}`, '--cert', f.server.chain, '--key', f.server.key, '--ca', f.server.ca, '--timeout', '2s'], { cwd: dir });
      assertUserError(r, 4, 'PROBE_LISTEN_FAILED', /EADDRINUSE/);
      assert.match(r.stderr, /hint: another process holds port/);
    } finally {
      busy.close();
    }
  });
});

describe('mtlsctl probe names the cause for broken peers', { concurrency: 3 }, () => {
  const servers: Array<NetServer | TlsServer> = [];
  const ports: Record<string, number> = {};
  let cwd: string;

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mtlsctl-probe-peers-'));
    const files = await makeProbeFixtures(cwd);
    const silent = createNetServer((s) => s.on('error', () => undefined));
    const closer = createNetServer((s) => s.end());
    const tls = createTlsServer({ cert: await readFile(files.server.chain, 'utf8'), key: await readFile(files.server.key, 'utf8') });
    tls.on('tlsClientError', () => undefined);
    const tlsPort = await listenOn(tls);
    // Forwards only the first record the TLS server sends (its ServerHello), then cuts both sides.
    const cutter = createNetServer((client) => {
      client.on('error', () => undefined);
      const upstream = netConnect(tlsPort, '127.0.0.1');
      upstream.on('error', () => undefined);
      client.on('data', (d) => upstream.write(d));
      upstream.once('data', (d: Buffer) => {
        client.write(d.subarray(0, 5 + d.readUInt16BE(3)));
        setTimeout(() => (client.destroy(), upstream.destroy()), 50);
      });
    });
    servers.push(silent, closer, tls, cutter);
    [ports.silent, ports.closer, ports.cutter] = await Promise.all([listenOn(silent), listenOn(closer), listenOn(cutter)]);
    ports.tls = tlsPort;
  });
  after(async () => {
    for (const s of servers) s.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const probe = (port: number, extra: string[] = []) => mtlsctl(['probe', `127.0.0.1:${port}`, '--timeout', '2s', ...extra], { cwd, timeoutMs: 20_000 });

  test('when the server accepts TCP and never speaks then the report says the ClientHello got no answer', async () => {
    const r = await probe(ports.silent!);
    assert.equal(r.exitCode, 5);
    assert.match(r.stdout, /^timeout: .* accepted TCP but never answered the TLS ClientHello$/m);
    assert.doesNotMatch(r.stdout, /server verdict/, 'no verdict line when no TLS session ran');
  });
  test('when the server closes at once then the code is not-tls without advice about server names', async () => {
    const r = await probe(ports.closer!);
    assert.equal(r.exitCode, 5);
    assert.match(r.stdout, /^not-tls: /m);
    assert.doesNotMatch(r.stdout, /--servername/, 'an IP target sends no server name');
  });
  test('when --servername is an IP address then it is checked against the certificate without a Node warning', async () => {
    const r = await probe(ports.tls!, ['--servername', '127.0.0.1', '--json']);
    assert.equal(JSON.parse(r.stdout).target.servername, '127.0.0.1');
    assert.doesNotMatch(r.stderr, /DeprecationWarning|RFC 6066/);
  });
  test('when the server sends its ServerHello and drops then the code is handshake-aborted with exit 5', async () => {
    for (const v of ['1.2', '1.3']) {
      const r = await probe(ports.cutter!, ['--tls-min', v, '--tls-max', v, '--json']);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.diagnosis.code, 'handshake-aborted', `TLS ${v}: ${doc.diagnosis.summary}`);
      assert.equal(r.exitCode, 5);
    }
  });
});

describe('mtlsctl probe --from/--to with a service never issued or a swapped key', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mtlsctl-probe-unissued-'));
    await writeFile(join(cwd, 'mtls.yaml'), 'services:\n  - name: web\n  - name: api\n  - name: db\n  - name: job\n    usage: client\n');
    for (const args of [['init'], ['issue', '--only', 'web,db,job']]) {
      const r = await mtlsctl(args, { cwd });
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    await writeFile(join(cwd, 'out', 'db', 'key.pem'), await readFile(join(cwd, 'out', 'web', 'key.pem')));
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  test('when --to names a service without files then the hint is the issue command for it', async () => {
    const r = await mtlsctl(['probe', '--from', 'web', '--to', 'api'], { cwd });
    assertUserError(r, 3, 'FILE_NOT_FOUND', /service api has no .*chain\.pem \(not issued yet\?\)/);
    assert.match(r.stderr, /hint: issue it first: mtlsctl issue -f mtls\.yaml --only api/);
  });

  test('when the server side holds a key of another service then the error names the service to reissue', async () => {
    const r = await mtlsctl(['probe', '--from', 'web', '--to', 'db'], { cwd });
    assertUserError(r, 3, 'PEM_UNPARSEABLE', /cannot run db as the server .*: its key\.pem does not belong to its chain\.pem/);
    assert.match(r.stderr, /hint: reissue it: mtlsctl issue -f mtls\.yaml --only db --force/);
  });

  test('when the client side holds a key of another service then client-key-mismatch says to reissue it', async () => {
    const r = await mtlsctl(['probe', '--from', 'db', '--to', 'web', '--json'], { cwd });
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.diagnosis.code, 'client-key-mismatch');
    assert.equal(r.exitCode, 1);
    assert.match(doc.diagnosis.hint, /--only db --force/);
  });

  test('when --to is a client-only service then the fix names its usage in the manifest', async () => {
    const r = await mtlsctl(['probe', '--from', 'web', '--to', 'job', '--json'], { cwd });
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.diagnosis.code, 'server-cert-wrong-purpose');
    assert.match(doc.diagnosis.hint, /^job has usage: client in the manifest; set usage: both, then run mtlsctl issue -f mtls\.yaml --only job --force$/);
  });

  test('when a service file under outDir is garbage then the hint is to reissue that service', async () => {
    await writeFile(join(cwd, 'out', 'job', 'ca.pem'), 'garbage\n');
    const r = await mtlsctl(['probe', '--from', 'job', '--to', 'web'], { cwd });
    assertUserError(r, 3, 'PEM_UNPARSEABLE', /job\/ca\.pem holds no PEM certificate/);
    assert.match(r.stderr, /hint: reissue it: mtlsctl issue -f mtls\.yaml --only job --force/);
  });
});
