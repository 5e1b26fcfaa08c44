import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { connect } from 'node:net';
import { BIN, assertNoKeyMaterial, mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { makeProbeFixtures, type FixtureName, type LeafFiles } from './probe-fixtures.js';

/** Starts `probe --listen` on port 0 and resolves its port from the stderr narration. */
async function listen(cwd: string, f: Record<FixtureName, LeafFiles>, extra: string[]) {
  const child = execa(process.execPath, [BIN, 'probe', '--listen', '127.0.0.1:0', '--cert', f.server.chain, '--key', f.server.key, '--ca', f.server.ca, ...extra], {
    cwd, env: { NO_COLOR: '1' }, reject: false, timeout: 60_000, stripFinalNewline: false,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(seen);
      if (m) resolve(Number(m[1]));
    });
    void child.then((r) => reject(new Error(`probe --listen ended early: ${String(r.stderr)}`)));
  });
  return { child, port };
}

const sClient = (port: number, args: string[]) =>
  openssl(['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'probe.test', ...args], { input: '' });

describe('mtlsctl probe --listen', { concurrency: 2 }, () => {
  let dir: string;
  let f: Record<FixtureName, LeafFiles>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtlsctl-probe-listen-'));
    f = await makeProbeFixtures(join(dir, 'certs'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('when four clients connect then each is judged with its SNI, chain and code, and the exit is 1', async () => {
    const { child, port } = await listen(dir, f, ['--count', '4', '--timeout', '30s', '--json']);
    const asClient = (who: FixtureName) => ['-cert', f[who].cert, '-key', f[who].key, '-cert_chain', f[who].inter];
    await sClient(port, asClient('client'));
    await sClient(port, asClient('clientForeign'));
    await sClient(port, []);
    await mtlsctl(['probe', `127.0.0.1:${port}`, '--cert', f.clientExpired.chain, '--key', f.clientExpired.key, '--ca', f.server.ca, '--servername', 'localhost'], { cwd: dir });
    const r = await child;
    assertNoKeyMaterial({ stdout: String(r.stdout), stderr: String(r.stderr) });
    assert.equal(r.exitCode, 1, String(r.stderr));
    const doc = JSON.parse(String(r.stdout));
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.mode, 'listen');
    assert.equal(doc.ended, 'count');
    assert.deepEqual(doc.clients.map((c: { code: string }) => c.code), ['ok', 'client-cert-unknown-ca', 'client-cert-required', 'client-cert-expired']);
    assert.deepEqual(doc.clients.map((c: { accepted: boolean }) => c.accepted), [true, false, false, false]);
    assert.equal(doc.clients[0].sni, 'probe.test');
    assert.equal(doc.clients[0].presented[0].subject, 'CN=frontend');
    assert.equal(doc.clients[3].sni, 'localhost');
    assert.equal(doc.unfinished, undefined, 'judged clients are never counted as unfinished connections');
  });

  test('when curl presents a valid certificate then it gets a 200 and the human report says accepted, exit 0', async () => {
    const { child, port } = await listen(dir, f, ['--count', '1', '--timeout', '30s']);
    const curl = await execa('curl', ['-sS', '--max-time', '10', '--cacert', f.server.ca, '--cert', f.client.chain, '--key', f.client.key, '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/`], { reject: false });
    assert.match(String(curl.stdout), /accepted CN=frontend/);
    const r = await child;
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^client 127\.0\.0\.1:\d+\s+SNI localhost/m);
    assert.match(String(r.stdout), /accepted\s+ok: CN=frontend/);
    assert.match(String(r.stdout), /1 client\(s\): 1 accepted, 0 rejected/);
  });

  test('when no client comes before the timeout then the exit is 5', async () => {
    const { child } = await listen(dir, f, ['--timeout', '1s']);
    const r = await child;
    assert.equal(r.exitCode, 5);
    assert.match(String(r.stdout), /no client connected/);
  });

  test('when a client connects and never speaks then probe still stops at the timeout and counts it as unfinished', async () => {
    const { child, port } = await listen(dir, f, ['--timeout', '1s', '--json']);
    const idle = connect(port, '127.0.0.1');
    idle.on('error', () => undefined);
    try {
      // The idle socket stays open until after the probe has ended: the probe must not wait for it.
      const r = await child;
      const doc = JSON.parse(String(r.stdout));
      assert.equal(r.exitCode, 5);
      assert.deepEqual([doc.clients.length, doc.unfinished], [0, 1]);
    } finally {
      idle.destroy();
    }
  });

  test('when a port check opens and closes before a real client then --count 1 still waits for the real one', async () => {
    const { child, port } = await listen(dir, f, ['--count', '1', '--timeout', '30s', '--json']);
    await new Promise<void>((resolve) => {
      const check = connect(port, '127.0.0.1', () => check.end());
      check.on('error', () => undefined);
      check.on('close', () => resolve());
    });
    await sClient(port, ['-CAfile', f.server.ca, '-cert', f.client.cert, '-key', f.client.key, '-cert_chain', f.client.inter]);
    const r = await child;
    const doc = JSON.parse(String(r.stdout));
    assert.equal(doc.clients.length, 1);
    assert.equal(doc.clients[0].code, 'ok', doc.clients[0].reason);
    assert.equal(doc.unfinished, 1);
    assert.equal(r.exitCode, 0);
  });

  test('when the client refuses the server certificate then the code is server-cert-untrusted, not a client rejection', async () => {
    const { child, port } = await listen(dir, f, ['--count', '1', '--timeout', '30s', '--json']);
    await sClient(port, ['-CAfile', f.serverOther.ca, '-verify_return_error']);
    const r = await child;
    const doc = JSON.parse(String(r.stdout));
    assert.equal(doc.clients[0].code, 'server-cert-untrusted', doc.clients[0].reason);
    assert.match(doc.clients[0].reason, /alert unknown_ca \(48\)/);
    assert.doesNotMatch(doc.clients[0].reason, /openssl\/ssl|\.c:\d+/, 'no OpenSSL source paths');
  });

  test('when --listen lacks --ca then probe exits 2 naming the missing options', async () => {
    const r = await mtlsctl(['probe', '--listen', '127.0.0.1:0', '--cert', f.server.chain, '--key', f.server.key], { cwd: dir });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--listen needs --cert, --key and --ca \[USAGE\]/);
  });
});
