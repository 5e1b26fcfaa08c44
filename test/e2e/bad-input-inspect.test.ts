/** Hostile and malformed input to `mtlsctl inspect`. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, mtlsctl, type CliResult } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { certificatePem, randomSerial, signCertificate } from '../../src/pki/certificate.js';
import { subjectAltName, type AltNames } from '../../src/pki/extensions.js';
import { generateKey, subjectPublicKeyInfo } from '../../src/pki/keys.js';
import { encodeName } from '../../src/pki/name.js';
import { tempDir } from '../helpers/tmp.js';

function assertOneError(r: CliResult, exit: number, message: RegExp): void {
  assert.equal(r.exitCode, exit, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, message);
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1);
  assert.doesNotMatch(r.stderr, /INTERNAL|\n\s+at /);
}

describe('inspect on malformed endpoints', () => {
  const cases: Array<[string, RegExp]> = [
    ['localhost:0', /the port 0 is out of range \(1 to 65535\)/],
    ['localhost:70000', /the port 70000 is out of range/],
    ['localhost:https', /the port "https" is not a number/],
    ['localhost:', /the port is missing/],
    ['[::1', /an IPv6 address needs its closing bracket/],
    ['[::1]', /the port is missing/],
    ['[fe80::1%eth0]:443', /IPv6 zone ids \(%eth0\) are not supported/],
    ['::1:8443', /write an IPv6 address in brackets/],
    ['[not-v6]:443', /"not-v6" is not an IPv6 address/],
  ];
  for (const [input, why] of cases) {
    test(`when the input is ${input} then it is a usage error saying what is wrong with it`, async (t) => {
      const r = await mtlsctl(['inspect', input], { cwd: await tempDir(t), timeoutMs: 20_000 });
      assertOneError(r, 2, new RegExp(`is neither a file nor a valid HOST:PORT: ${why.source}.*\\[USAGE_INVALID_VALUE\\]`));
    });
  }

  test('when a missing path has a slash then it is still reported as a missing file', async (t) => {
    const r = await mtlsctl(['inspect', 'certs/web:1'], { cwd: await tempDir(t) });
    assertOneError(r, 3, /cannot read certs\/web:1: no such file or directory \[FILE_NOT_FOUND\]/);
  });
});

describe('inspect on files that are not files', () => {
  test('when the input is a device then it is refused at once, not read forever', async (t) => {
    const r = await mtlsctl(['inspect', '/dev/zero'], { cwd: await tempDir(t), timeoutMs: 20_000 });
    assertOneError(r, 3, /cannot read \/dev\/zero: it is not a regular file \[FILE_NOT_FOUND\]/);
  });

  test('when --key is a device then it is refused at once', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const r = await mtlsctl(['inspect', 'pki/root-ca.crt', '--key', '/dev/zero'], { cwd, timeoutMs: 20_000 });
    assertOneError(r, 3, /cannot read \/dev\/zero: it is not a regular file/);
  });

  test('when the password file is missing then the message says so in words', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const r = await mtlsctl(['inspect', 'pki/root-ca.crt', '--password-file', 'nope'], { cwd });
    assertOneError(r, 3, /cannot read password file nope: no such file \[FILE_NOT_FOUND\]/);
    assert.doesNotMatch(r.stderr, /ENOENT/);
  });

  test('when a directory holds a sub-directory named like a certificate then it is skipped', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    await mkdir(join(cwd, 'certs/old.pem'), { recursive: true });
    await writeFile(join(cwd, 'certs/root.crt'), await readFile(join(cwd, 'pki/root-ca.crt')));
    const r = await mtlsctl(['inspect', 'certs'], { cwd });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^Input certs: 1 certificate/m);
  });

  test('when stdin is named twice then it is a usage error, not "stdin is empty"', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const pem = await readFile(join(cwd, 'pki/root-ca.crt'), 'utf8');
    const r = await mtlsctl(['inspect', '-', '--ca', '-'], { cwd, input: pem });
    assertOneError(r, 2, /stdin \(-\) can be read only once.*\[USAGE\]/);
  });
});

describe('inspect on PEM files that hold no certificate', () => {
  test('when given a CRL or a PKCS#7 bundle then the hint names the openssl command that reads it', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const p7 = await openssl(['crl2pkcs7', '-nocrl', '-certfile', 'pki/root-ca.crt', '-out', 'bundle.p7b'], { cwd });
    assert.equal(p7.exitCode, 0, p7.stderr);
    const r = await mtlsctl(['inspect', 'bundle.p7b'], { cwd });
    assertOneError(r, 3, /bundle\.p7b holds no certificate, only PKCS7 \[PEM_UNPARSEABLE\]\nhint: take the certificates out first: openssl pkcs7 -print_certs -in bundle\.p7b/);
    await writeFile(join(cwd, 'list.crl'), '-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n');
    const crl = await mtlsctl(['inspect', 'list.crl'], { cwd });
    assertOneError(crl, 3, /only X509 CRL \[PEM_UNPARSEABLE\]\nhint: a CRL lists revoked serials/);
  });

  test('when a BEGIN line lacks its closing dashes then the error says no complete block, not "only "', async (t) => {
    const cwd = await tempDir(t);
    await writeFile(join(cwd, 'cut.pem'), '-----BEGIN CERTIF');
    assertOneError(await mtlsctl(['inspect', 'cut.pem'], { cwd }), 3, /cut\.pem holds no complete PEM block/);
  });

  test('when a PKCS#12 file is truncated then the error says so and how to fix it', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const made = await openssl(['pkcs12', '-export', '-nokeys', '-in', 'pki/root-ca.crt', '-out', 'full.p12', '-passout', 'pass:pw'], { cwd });
    assert.equal(made.exitCode, 0, made.stderr);
    await writeFile(join(cwd, 'cut.p12'), (await readFile(join(cwd, 'full.p12'))).subarray(0, 200));
    const r = await mtlsctl(['inspect', 'cut.p12'], { cwd, env: { MTLSCTL_P12_PASSWORD: 'pw' } });
    assertOneError(r, 3, /cut\.p12 is not a readable PKCS#12 file \(truncated or damaged\?\) \[PEM_UNPARSEABLE\]\nhint: /);
  });
});

describe('inspect option values', () => {
  test('when --timeout is longer than a timer can hold then it is a usage error, not an instant timeout', async (t) => {
    const r = await mtlsctl(['inspect', '127.0.0.1:9', '--timeout', '30d'], { cwd: await tempDir(t) });
    assertOneError(r, 2, /--timeout "30d" is longer than 1h \[USAGE_INVALID_VALUE\]/);
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
  });
});

describe('inspect checks given with bad values', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--ip', 'notanip'], /--ip "notanip" is not an IP address \[USAGE_INVALID_VALUE\]/],
    [['--ip', 'fe80::1%eth0'], /--ip "fe80::1%eth0" is not an IP address/],
    [['--ip', '10.0.0.0/8'], /--ip "10\.0\.0\.0\/8" is not an IP address/],
    [['--name', ''], /--name is empty \[USAGE_INVALID_VALUE\]/],
    [['--uri', 'not a uri'], /--uri "not a uri" is not an absolute URI/],
  ];
  for (const [args, message] of cases) {
    test(`when given ${args.join(' ')} then it is a usage error, not an internal one`, async (t) => {
      const cwd = await tempDir(t);
      await mtlsctl(['init'], { cwd });
      assertOneError(await mtlsctl(['inspect', 'pki/root-ca.crt', ...args], { cwd }), 2, message);
    });
  }

  test('when --ca holds a private key then the error names --ca and a trust bundle', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const r = await mtlsctl(['inspect', 'pki/intermediate-ca.crt', '--ca', 'pki/root-ca.key'], { cwd });
    assertOneError(r, 3, /^error: --ca: pki\/root-ca\.key holds no certificate, only PRIVATE KEY \[PEM_UNPARSEABLE\]\nhint: give --ca the trust bundle/m);
  });
});

describe('inspect HOST:PORT with bad client credentials', () => {
  // The credentials are checked before connecting, so no server is needed: port 9 is never reached.
  test('when --cert holds a key then it says so and exits at once (it used to hang after an internal error)', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const r = await mtlsctl(['inspect', '127.0.0.1:9', '--cert', 'pki/root-ca.key', '--key', 'pki/root-ca.key'], { cwd, timeoutMs: 20_000 });
    assertOneError(r, 3, /--cert pki\/root-ca\.key holds no PEM certificate \[PEM_UNPARSEABLE\]/);
  });

  test('when --key does not belong to --cert then both files are named', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const r = await mtlsctl(['inspect', '127.0.0.1:9', '--cert', 'pki/root-ca.crt', '--key', 'pki/intermediate-ca.key'], { cwd, timeoutMs: 20_000 });
    assertOneError(r, 3, /--key pki\/intermediate-ca\.key is not the key of the certificate in --cert pki\/root-ca\.crt/);
  });

  test('when --servername is not a host name then it is a usage error', async (t) => {
    const r = await mtlsctl(['inspect', '127.0.0.1:9', '--servername', 'two words'], { cwd: await tempDir(t) });
    assertOneError(r, 2, /--servername "two words" is not a host name \[USAGE_INVALID_VALUE\]/);
  });
});

describe('inspect on certificates crafted to attack the terminal', () => {
  test('when SANs and file names hold ESC and newlines then the report shows them escaped', async (t) => {
    const cwd = await tempDir(t);
    const { privateKey, publicKey } = await generateKey('ecdsa-p256');
    const name = encodeName({ commonName: 'crafted' });
    const now = Date.now();
    const der = signCertificate({
      serial: randomSerial(), issuer: name, subject: name,
      notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000),
      subjectPublicKeyInfo: subjectPublicKeyInfo(publicKey),
      extensions: [subjectAltName({ dns: ['a\u001b[2Jb.example'], ip: [], uri: ['spiffe://x/\nOK: trusted'], email: [] } as AltNames)],
    }, privateKey);
    await mkdir(join(cwd, 'in'));
    await writeFile(join(cwd, 'in', 'x\u001b[31m.pem'), certificatePem(der));
    for (const input of ['in', 'in/x\u001b[31m.pem']) {
      const r = await mtlsctl(['inspect', input], { cwd });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /\u001b/);
      assert.match(r.stdout, /alt names +DNS:a\\u001b\[2Jb\.example, URI:spiffe:\/\/x\/\\u000aOK: trusted/);
      assert.doesNotMatch(r.stdout, /^OK: trusted/m);
    }
  });
});

describe('inspect - on a terminal', () => {
  test('when stdin is a terminal then it says it is waiting for PEM instead of hanging silently', async (t) => {
    const cwd = await tempDir(t);
    const session = `mtlsctl-stdin-${process.pid}`;
    const tmux = (args: string[]) => execa('tmux', ['-L', session, ...args]);
    await tmux(['new-session', '-d', '-s', session, '-x', '100', '-y', '20', `cd ${cwd} && NO_COLOR=1 ${process.execPath} ${BIN} inspect -; echo EXIT=$?; sleep 60`]);
    t.after(() => execa('tmux', ['-L', session, 'kill-server'], { reject: false }));
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 200; i++) {
        const screen = String((await tmux(['capture-pane', '-p', '-t', session])).stdout);
        if (pattern.test(screen)) return screen;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail(`the terminal never showed ${pattern}`);
    };
    await waitFor(/reading certificates from the terminal: paste PEM, then press Ctrl-D/);
    await tmux(['send-keys', '-t', session, 'C-d']);
    const screen = await waitFor(/EXIT=\d+/);
    assert.match(screen, /stdin is empty \[PEM_UNPARSEABLE\]/);
    assert.match(screen, /EXIT=3/);
  });
});

describe('inspect on a PKCS#12 crafted to burn CPU', () => {
  test('when the MAC asks for 2^31 key-derivation rounds then it is refused at once', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const made = await openssl(['pkcs12', '-export', '-nokeys', '-in', 'pki/root-ca.crt', '-out', 'ok.p12', '-passout', 'pass:pw'], { cwd });
    assert.equal(made.exitCode, 0, made.stderr);
    // Re-encode with MacData.iterations = 0x7fffffff (the MAC no longer verifies; it is never computed).
    const forge = (await import('node-forge')).default;
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer((await readFile(join(cwd, 'ok.p12'))).toString('binary')));
    type Node = { value: Node[] | string };
    const pfx = asn1 as unknown as Node;
    ((pfx.value as Node[])[2]!.value as Node[])[2]!.value = String.fromCharCode(0x7f, 0xff, 0xff, 0xff);
    await writeFile(join(cwd, 'slow.p12'), Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
    const r = await mtlsctl(['inspect', 'slow.p12'], { cwd, env: { MTLSCTL_P12_PASSWORD: 'pw' }, timeoutMs: 20_000 });
    assertOneError(r, 3, /slow\.p12 asks for 2147483647 key-derivation rounds for its MAC; mtlsctl stops at 1000000 \[INPUT_TOO_LARGE\]/);
  });
});
