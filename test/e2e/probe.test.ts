import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeTls } from '../helpers/node-servers.js';
import { startOpensslServer } from '../helpers/openssl-server.js';
import type { Peer } from '../helpers/peer.js';
import { freePort } from '../helpers/ports.js';
import { makeProbeFixtures, type FixtureName, type LeafFiles } from './probe-fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Doc = any;

let dir: string;
let f: Record<FixtureName, LeafFiles>;
const peers: Peer[] = [];
const cleanups: Array<() => Promise<void>> = [];

async function probe(args: string[]): Promise<Doc> {
  const r = await mtlsctl(['probe', ...args, '--json'], { cwd: dir, timeoutMs: 30_000 });
  assert.equal(r.stdout.trim().startsWith('{'), true, `no JSON on stdout:\n${r.stdout}\n${r.stderr}`);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.diagnosis.exitCode, r.exitCode, 'the exit status follows the diagnosis');
  return { ...doc, exitCode: r.exitCode };
}

function expectCode(doc: Doc, code: string, exit: number): void {
  const why = `${doc.diagnosis.code}: ${doc.diagnosis.summary}\n  ${doc.diagnosis.evidence.join('\n  ')}`;
  assert.equal(doc.diagnosis.code, code, why);
  assert.equal(doc.exitCode, exit, why);
}

const as = (name: FixtureName) => ['--cert', f[name].chain, '--key', f[name].key];
const trust = () => ['--ca', f.server.ca, '--servername', 'localhost'];
const pin = (v: string) => ['--tls-min', v, '--tls-max', v];
const at = (p: Peer) => `127.0.0.1:${p.port}`;

/** openssl s_server answering HTTP requests with a status page. */
const startOpenssl = (args: string[]): Promise<Peer> => startOpensslServer(['-www', ...args]);

/** openssl s_server serving a leaf with its intermediate; strict adds -Verify 1 -verify_return_error. */
function serve(v: string, leaf: FixtureName, mode: 'strict' | 'lax', extra: string[] = []): Promise<Peer> {
  const files = f[leaf];
  const verify = mode === 'strict' ? ['-CAfile', f.server.ca, '-Verify', '1', '-verify_return_error'] : [];
  return startOpenssl([`-tls${v.replace('.', '_')}`, '-cert', files.cert, '-key', files.key, '-cert_chain', files.inter, ...verify, ...extra]);
}

describe('mtlsctl probe against real peers', { concurrency: 4 }, () => {
  const s: Record<string, Peer> = {};

  before(async () => {
    dir = await suiteDir('mtlsctl-probe-');
    f = await makeProbeFixtures(dir);
    const starts: Array<[string, Promise<Peer>]> = [];
    for (const v of ['1.2', '1.3']) {
      starts.push([`strict${v}`, serve(v, 'server', 'strict')]);
      starts.push([`lax${v}`, serve(v, 'server', 'lax')]);
      starts.push([`hostcheck${v}`, serve(v, 'server', 'strict', ['-verify_hostname', 'nothere.example'])]);
      for (const leaf of ['serverExpired', 'serverFuture', 'serverClientOnly', 'serverOther'] as const) starts.push([`${leaf}${v}`, serve(v, leaf, 'lax')]);
      starts.push([`serverSelf${v}`, startOpenssl([`-tls${v.replace('.', '_')}`, '-cert', f.serverSelf.cert, '-key', f.serverSelf.key])]);
      starts.push([`leafOnly${v}`, startOpenssl([`-tls${v.replace('.', '_')}`, '-cert', f.server.cert, '-key', f.server.key])]);
      const nodeVersion = `TLSv${v}` as 'TLSv1.2' | 'TLSv1.3';
      const tlsFiles = { cert: await readText(f.server.chain), key: await readText(f.server.key), ca: await readText(f.server.ca), minVersion: nodeVersion, maxVersion: nodeVersion };
      starts.push([`node${v}`, startNodeTls({ ...tlsFiles, requestCert: true, rejectUnauthorized: true })]);
      starts.push([`nodeOpen${v}`, startNodeTls({ ...tlsFiles, requestCert: false })]);
    }
    // -Verify without -verify_return_error: asks for a certificate, then accepts whatever comes.
    starts.push(['askOnly1.3', serve('1.3', 'server', 'lax', ['-CAfile', f.server.ca, '-Verify', '1'])]);
    starts.push(['cipher1.2', startOpenssl(['-tls1_2', '-cert', f.server.cert, '-key', f.server.key, '-cert_chain', f.server.inter, '-cipher', 'ECDHE-ECDSA-CAMELLIA128-SHA256'])]);
    starts.push(['cipher1.3', startOpenssl(['-tls1_3', '-cert', f.server.cert, '-key', f.server.key, '-cert_chain', f.server.inter, '-ciphersuites', 'TLS_AES_128_CCM_8_SHA256'])]);
    for (const [name, started] of starts) {
      s[name] = await started;
      peers.push(s[name]!);
    }
  });

  after(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    for (const c of cleanups.splice(0)) await c();
  });

  for (const v of ['1.2', '1.3']) {
    const other = v === '1.2' ? '1.3' : '1.2';

    test(`when a client with a valid certificate probes openssl over TLS ${v} then the code is ok`, async () => {
      const doc = await probe([at(s[`strict${v}`]!), ...as('client'), ...trust(), ...pin(v)]);
      expectCode(doc, 'ok', 0);
      assert.equal(doc.tls.protocol, `TLSv${v}`);
      assert.equal(doc.clientCertificate.requested, true);
      assert.deepEqual(doc.clientCertificate.acceptableCaNames, ['CN=Probe Root CA']);
      assert.equal(doc.serverChain.length, 2);
      assert.deepEqual(doc.timings.map((t: Doc) => t.step).slice(0, 3), ['resolve', 'connect', 'handshake']);
    });

    test(`when openssl s_client asks the same TLS ${v} server then it prints the same acceptable CA names`, async () => {
      const doc = await probe([at(s[`strict${v}`]!), ...as('client'), ...trust(), ...pin(v)]);
      const r = await openssl(['s_client', '-connect', at(s[`strict${v}`]!), `-tls${v.replace('.', '_')}`, '-cert', f.client.cert, '-key', f.client.key, '-servername', 'localhost'], { input: '' });
      const section = /Acceptable client certificate CA names\n([\s\S]*?)\n(?:Requested|Client Certificate Types|Shared)/.exec(r.stdout);
      assert.ok(section, r.stdout);
      const names = section[1]!.split('\n').map((l) => l.replace(/ = /g, '=').trim()).filter(Boolean);
      assert.deepEqual(doc.clientCertificate.acceptableCaNames, names);
    });

    test(`when no client certificate is sent to openssl over TLS ${v} then the code is client-cert-required`, async () => {
      expectCode(await probe([at(s[`strict${v}`]!), ...trust(), ...pin(v)]), 'client-cert-required', 1);
    });

    test(`when a client from another CA probes openssl over TLS ${v} then the code is client-cert-unknown-ca with the CA names`, async () => {
      const doc = await probe([at(s[`strict${v}`]!), ...as('clientForeign'), ...trust(), ...pin(v)]);
      expectCode(doc, 'client-cert-unknown-ca', 1);
      assert.equal(doc.alert.description, 48);
      assert.match(doc.diagnosis.evidence.join('\n'), /issued by CN=Other Root CA Intermediate/);
      assert.match(doc.diagnosis.evidence.join('\n'), /server accepts CA names: CN=Probe Root CA/);
    });

    test(`when an expired client probes openssl over TLS ${v} then the code is client-cert-expired with its notAfter`, async () => {
      const doc = await probe([at(s[`strict${v}`]!), ...as('clientExpired'), ...trust(), ...pin(v)]);
      expectCode(doc, 'client-cert-expired', 1);
      assert.equal(doc.alert.description, 45);
      assert.match(doc.diagnosis.evidence.join('\n'), /CN=frontend-old: .*notAfter \d{4}-/);
    });

    test(`when a client without clientAuth probes openssl over TLS ${v} then the code is client-cert-wrong-purpose`, async () => {
      expectCode(await probe([at(s[`strict${v}`]!), ...as('clientServerOnly'), ...trust(), ...pin(v)]), 'client-cert-wrong-purpose', 1);
    });

    test(`when openssl rejects a sound client with bad_certificate over TLS ${v} then the code is client-cert-rejected naming the alert`, async () => {
      const doc = await probe([at(s[`hostcheck${v}`]!), ...as('client'), ...trust(), ...pin(v)]);
      expectCode(doc, 'client-cert-rejected', 1);
      assert.match(doc.diagnosis.summary, /bad_certificate \(42\)/);
    });

    test(`when openssl does not request a certificate over TLS ${v} then the code is mtls-not-enforced`, async () => {
      expectCode(await probe([at(s[`lax${v}`]!), ...trust(), ...pin(v)]), 'mtls-not-enforced', 1);
    });

    test(`when the server only speaks TLS ${v} and the client only ${other} then the code is protocol-version-mismatch`, async () => {
      expectCode(await probe([at(s[`lax${v}`]!), ...trust(), ...pin(other)]), 'protocol-version-mismatch', 1);
    });

    test(`when the server offers only a cipher the client lacks over TLS ${v} then the code is no-shared-cipher`, async () => {
      expectCode(await probe([at(s[`cipher${v}`]!), ...trust(), ...pin(v)]), 'no-shared-cipher', 1);
    });

    const serverCases: Array<[string, string, string]> = [
      ['serverOther', 'server-cert-untrusted', 'the server certificate comes from another CA'],
      ['serverExpired', 'server-cert-expired', 'the server certificate has expired'],
      ['serverFuture', 'server-cert-not-yet-valid', 'the server certificate is not valid yet'],
      ['serverClientOnly', 'server-cert-wrong-purpose', 'the server certificate lacks serverAuth'],
      ['serverSelf', 'server-cert-self-signed', 'the server certificate is self-signed'],
      ['leafOnly', 'server-chain-incomplete', 'the server sends no intermediate'],
    ];
    for (const [server, code, title] of serverCases) {
      test(`when ${title} over TLS ${v} then the code is ${code}`, async () => {
        expectCode(await probe([at(s[`${server}${v}`]!), ...as('client'), ...trust(), ...pin(v)]), code, 1);
      });
    }

    test(`when the client checks a name the server certificate lacks over TLS ${v} then the code is server-name-mismatch`, async () => {
      const doc = await probe([at(s[`lax${v}`]!), '--ca', f.server.ca, '--servername', 'payments.internal', ...pin(v)]);
      expectCode(doc, 'server-name-mismatch', 1);
      assert.match(doc.diagnosis.evidence.join('\n'), /DNS:localhost/);
    });

    test(`when a valid client probes a strict node:tls server over TLS ${v} then the code is ok`, async () => {
      expectCode(await probe([at(s[`node${v}`]!), ...as('client'), ...trust(), ...pin(v)]), 'ok', 0);
    });

    test(`when no certificate is sent to a strict node:tls server over TLS ${v} then the code is client-cert-required`, async () => {
      expectCode(await probe([at(s[`node${v}`]!), ...trust(), ...pin(v)]), 'client-cert-required', 1);
    });

    for (const [leaf, code] of [['clientForeign', 'client-cert-unknown-ca'], ['clientExpired', 'client-cert-expired'], ['clientServerOnly', 'client-cert-wrong-purpose']] as const) {
      test(`when ${leaf} probes a strict node:tls server over TLS ${v} then the local checks name ${code}`, async () => {
        const doc = await probe([at(s[`node${v}`]!), ...as(leaf), ...trust(), ...pin(v)]);
        expectCode(doc, code, 1);
        if (v === '1.3') assert.equal(doc.verdict, 'rejected-close');
      });
    }

    test(`when a node:tls server does not request certificates over TLS ${v} then the code is mtls-not-enforced`, async () => {
      expectCode(await probe([at(s[`nodeOpen${v}`]!), ...trust(), ...pin(v)]), 'mtls-not-enforced', 1);
    });
  }

  test('when openssl asks for a certificate but does not enforce it then ok carries warnings about the accepted flaws', async () => {
    const doc = await probe([at(s['askOnly1.3']!), ...as('clientForeign'), ...trust()]);
    expectCode(doc, 'ok', 0);
    assert.match(doc.diagnosis.evidence.join('\n'), /warning: no CA of the client chain is among the names the server listed/);
  });

  test('when the client presents cert.pem without its intermediate then unknown-ca says to send chain.pem', async () => {
    const doc = await probe([at(s['strict1.3']!), '--cert', f.client.cert, '--key', f.client.key, ...trust()]);
    expectCode(doc, 'client-cert-unknown-ca', 1);
    assert.match(doc.diagnosis.summary, /only the leaf was sent/);
    assert.match(doc.diagnosis.hint, /^present chain\.pem/, 'the likelier fix comes first');
  });

  test('when the key belongs to another certificate then the code is client-key-mismatch and nothing connects', async () => {
    const doc = await probe([at(s['strict1.3']!), '--cert', f.client.chain, '--key', f.clientForeign.key, ...trust()]);
    expectCode(doc, 'client-key-mismatch', 1);
    assert.equal(doc.verdict, 'not-attempted');
  });

  test('when the human report is read then it shows the steps, chains, CA names, verdict and one diagnosis with a fix', async () => {
    const r = await mtlsctl(['probe', at(s['strict1.3']!), ...as('clientForeign'), ...trust()], { cwd: dir });
    assert.equal(r.exitCode, 1);
    for (const re of [/^\s+handshake .* ms\s+TLSv1\.3/m, /server chain\s+verified/, /CN=Probe Root CA/, /presented:/, /server verdict\s+rejected with alert unknown_ca \(48\)/, /^client-cert-unknown-ca: /m, /^\s+fix: /m]) {
      assert.match(r.stdout, re);
    }
    assert.equal(r.stdout.match(/^[a-z-]+: /gm)?.length, 1, 'exactly one diagnosis line');
  });
});

describe('mtlsctl probe when the endpoint cannot be reached', { concurrency: 4 }, () => {
  let silent: NetServer;
  let plain: ReturnType<typeof createHttpServer>;
  let cwd: string;
  before(async () => {
    cwd = await suiteDir('mtlsctl-probe-net-');
    silent = createNetServer(() => undefined);
    plain = createHttpServer((_, res) => res.end('plain\n'));
    await Promise.all([silent, plain].map((srv) => new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()))));
  });
  after(async () => {
    for (const c of cleanups.splice(0)) await c();
    silent.close();
    plain.closeAllConnections();
    plain.close();
  });
  const run = async (args: string[]) => {
    const r = await mtlsctl(['probe', ...args, '--json'], { cwd, timeoutMs: 30_000 });
    return { ...JSON.parse(r.stdout), exitCode: r.exitCode };
  };

  test('when the name does not resolve then the code is dns-failure with exit 5', async () => {
    expectCode(await run(['nowhere.invalid:443', '--timeout', '3s']), 'dns-failure', 5);
  });
  test('when nothing listens on the port then the code is connection-refused with exit 5', async () => {
    expectCode(await run([`127.0.0.1:${await freePort()}`]), 'connection-refused', 5);
  });
  test('when the server accepts TCP and never speaks then the code is timeout with exit 5', async () => {
    silent.unref();
    expectCode(await run([`127.0.0.1:${(silent.address() as AddressInfo).port}`, '--timeout', '1s']), 'timeout', 5);
  });
  test('when the port speaks plain HTTP then the code is not-tls with exit 5', async () => {
    const doc = await run([`127.0.0.1:${(plain.address() as AddressInfo).port}`]);
    expectCode(doc, 'not-tls', 5);
    assert.match(doc.diagnosis.summary, /HTTP/);
  });
  test('when the target has no port or a bare IPv6 address then probe exits 2', async () => {
    const r = await mtlsctl(['probe', '::1'], { cwd });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /\[USAGE_INVALID_VALUE\]/);
    assert.match(r.stderr, /hint: write IPv6 addresses in brackets/);
    assert.equal(r.stdout, '');
  });
});

function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** A directory for a whole suite, removed after it. */
async function suiteDir(prefix: string): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(made, { recursive: true, force: true }));
  return made;
}
