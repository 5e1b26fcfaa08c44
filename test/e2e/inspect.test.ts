import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir } from '../helpers/tmp.js';
import { makeTestCa, makeTestLeaf, writeLeafFiles } from '../helpers/mini-ca.js';
import { OpensslPki, caExt, type SslCert } from '../helpers/openssl-pki.js';

const NO_STACK = /\n\s+at /;

describe('mtlsctl inspect on files', () => {
  let dir: string;
  let pki: OpensslPki;
  let root: SslCert;
  let inter: SslCert;
  let leaf: SslCert;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtlsctl-inspect-'));
    pki = new OpensslPki(dir);
    root = await pki.root('root');
    inter = await pki.issue('inter', root, { ext: caExt('basicConstraints=critical,CA:TRUE,pathlen:0'), days: 365 });
    leaf = await pki.issue('leaf', inter);
    await pki.bundle('chain.pem', [leaf, inter]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('when a good chain is checked against its root then the report shows each field and exits 0', async () => {
    const r = await mtlsctl(['inspect', 'chain.pem', '--ca', 'root.crt', '--purpose', 'server', '--name', 'leaf.test'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    for (const label of ['subject', 'issuer', 'serial', 'not before', 'not after', 'alt names', 'public key', 'signature', 'key usage', 'ext key usage', 'basic constr.', 'subject key id', 'authority key', 'sha256']) {
      assert.match(r.stdout, new RegExp(`^  ${label.replace('.', '\\.')} +\\S`, 'm'), `field ${label}`);
    }
    assert.match(r.stdout, /alt names +DNS:leaf\.test/);
    assert.match(r.stdout, /public key +EC P-256/);
    assert.match(r.stdout, /not after .*\(expires in (89|90) days\)/);
    assert.match(r.stdout, /\n  CN=inter \[chain\.pem#2, CA\]\n  └─ CN=leaf \[chain\.pem#1, leaf\]\n/);
    assert.match(r.stdout, /OK: trusted path CN=leaf <- CN=inter <- CN=root/);
    assert.match(r.stdout, /Findings: none/);
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, `line over 80 columns: ${line}`);
  });

  test('when --json is given then one document with the documented shape is printed', async () => {
    const r = await mtlsctl(['inspect', 'chain.pem', '--ca', 'root.crt', '--json', '--name', 'nope.test'], { cwd: dir });
    assert.equal(r.exitCode, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.command, 'inspect');
    assert.deepEqual(Object.keys(doc).sort(), ['at', 'certificates', 'chain', 'command', 'findings', 'inputs', 'key', 'schemaVersion', 'summary', 'verification']);
    assert.deepEqual(doc.inputs, [{ kind: 'file', name: 'chain.pem', certificates: 2 }]);
    const cert = doc.certificates[0];
    assert.deepEqual(Object.keys(cert).sort(), [
      'authorityKeyIdentifier', 'basicConstraints', 'daysLeft', 'duplicateOf', 'expires', 'extKeyUsage', 'fingerprintSha256', 'id', 'issuedBy',
      'issuer', 'keyUsage', 'nameConstraints', 'notAfter', 'notBefore', 'publicKey', 'selfSigned', 'serial', 'signatureAlgorithm',
      'subject', 'subjectAltNames', 'subjectKeyIdentifier',
    ]);
    assert.deepEqual(cert.subjectAltNames, { dns: ['leaf.test'], ip: [], uri: [], email: [], other: [] });
    assert.deepEqual(cert.publicKey, { algorithm: 'EC', curve: 'P-256', bits: 256 });
    assert.deepEqual(cert.extKeyUsage, ['serverAuth', 'clientAuth']);
    assert.deepEqual(cert.issuedBy, ['chain.pem#2']);
    assert.deepEqual(doc.chain.path, ['chain.pem#1', 'chain.pem#2', 'root.crt (--ca)']);
    assert.deepEqual(doc.chain.tree, [{ certificate: 'chain.pem#2', children: [{ certificate: 'chain.pem#1', children: [] }] }]);
    assert.equal(doc.verification.trusted, false);
    assert.equal(doc.verification.failure.code, 'NAME_MISMATCH');
    assert.deepEqual(Object.keys(doc.findings[0]).sort(), ['certificate', 'code', 'fix', 'message', 'severity', 'subject']);
    assert.deepEqual(doc.summary, { errors: 1, warnings: 0, infos: 0, ok: false });
  });

  test('when the PEM has CRLF endings and text around the blocks then it reads both certificates', async () => {
    const text = `Bag Attributes\r\nsubject=leaf\r\n${leaf.pem.replace(/\n/g, '\r\n')}\r\nsome notes\r\n${inter.pem.replace(/\n/g, '\r\n')}trailer`;
    await writeFile(join(dir, 'crlf.pem'), text);
    const r = await mtlsctl(['inspect', 'crlf.pem', '--json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).certificates.map((c: { subject: string }) => c.subject), ['CN=leaf', 'CN=inter']);
  });

  test('when the input is DER, stdin or a directory then the same certificates are found', async () => {
    await openssl(['x509', '-in', leaf.crt, '-outform', 'DER', '-out', join(dir, 'leaf.der')]);
    const der = await mtlsctl(['inspect', 'leaf.der', '--json'], { cwd: dir });
    assert.equal(JSON.parse(der.stdout).certificates[0].subject, 'CN=leaf');
    const stdin = await mtlsctl(['inspect', '-', '--json'], { cwd: dir, input: leaf.pem + inter.pem });
    assert.equal(JSON.parse(stdin.stdout).certificates.length, 2);
    const sub = join(dir, 'svc');
    await mkdir(sub);
    await writeFile(join(sub, 'cert.pem'), leaf.pem);
    await writeFile(join(sub, 'chain.pem'), inter.pem);
    await writeFile(join(sub, 'key.pem'), await readFile(leaf.key));
    await writeFile(join(sub, 'req.csr.pem'), await readFile(join(dir, 'leaf.csr')));
    const d = await mtlsctl(['inspect', 'svc', '--ca', 'root.crt', '--json'], { cwd: dir });
    assert.equal(d.exitCode, 0, d.stdout);
    assert.equal(JSON.parse(d.stdout).verification.trusted, true);
  });

  for (const legacy of [false, true]) {
    test(`when a PKCS#12 file (${legacy ? 'legacy 3DES' : 'PBES2/AES, the OpenSSL 3 default'}) is given with its password then its ECDSA chain is read`, async (t) => {
      const p12 = join(await tempDir(t), 'bundle.p12');
      const made = await openssl(['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-in', leaf.crt, '-inkey', leaf.key, '-certfile', inter.crt, '-out', p12, '-passout', 'pass:s3cret']);
      assert.equal(made.exitCode, 0, made.stderr);
      await writeFile(join(dir, 'p12.pass'), 's3cret\n');
      const r = await mtlsctl(['inspect', p12, '--password-file', 'p12.pass', '--ca', 'root.crt', '--json'], { cwd: dir });
      assert.equal(r.exitCode, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.deepEqual(doc.certificates.map((c: { subject: string }) => c.subject).sort(), ['CN=inter', 'CN=leaf']);
      assert.equal(doc.verification.trusted, true);
      const env = await mtlsctl(['inspect', p12, '--json'], { cwd: dir, env: { MTLSCTL_P12_PASSWORD: 's3cret' } });
      assert.equal(env.exitCode, 0, env.stderr);
      const wrong = await mtlsctl(['inspect', p12], { cwd: dir, env: { MTLSCTL_P12_PASSWORD: 'nope' } });
      assert.equal(wrong.exitCode, 3);
      assert.match(wrong.stderr, /^error: the password does not open .*bundle\.p12 \[PASSPHRASE_WRONG\]\nhint: /);
    });
  }

  test('when --key matches the leaf then exit 0, and when it does not then KEY_MISMATCH and exit 1', async () => {
    const ok = await mtlsctl(['inspect', 'chain.pem', '--key', 'leaf.key'], { cwd: dir });
    assert.equal(ok.exitCode, 0, ok.stdout);
    assert.match(ok.stdout, /\nKey: leaf\.key matches the leaf \(CN=/);
    const okJson = await mtlsctl(['inspect', 'chain.pem', '--key', 'leaf.key', '--json'], { cwd: dir });
    assert.deepEqual(JSON.parse(okJson.stdout).key, { file: 'leaf.key', matchesLeaf: true, certificate: 'chain.pem#1', subject: JSON.parse(okJson.stdout).certificates[0].subject });
    const bad = await mtlsctl(['inspect', 'chain.pem', '--key', 'inter.key'], { cwd: dir });
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stdout, /\nKey: inter\.key does not match the leaf; it matches chain\.pem#2/);
    const badJson = await mtlsctl(['inspect', 'chain.pem', '--key', 'inter.key', '--json'], { cwd: dir });
    assert.equal(JSON.parse(badJson.stdout).key.matchesLeaf, false);
    assert.equal(JSON.parse(badJson.stdout).key.certificate, 'chain.pem#2');
    const plain = await mtlsctl(['inspect', 'chain.pem', '--json'], { cwd: dir });
    assert.equal(JSON.parse(plain.stdout).key, null);
    assert.match(bad.stdout, /error +KEY_MISMATCH +chain\.pem#1\n +inter\.key is not the key of this certificate; it is the key of\s+chain\.pem#2/);
  });

  test('when --key is encrypted then it needs the passphrase (file or MTLSCTL_CA_PASSPHRASE) and a wrong one exits 3', async (t) => {
    const d = await tempDir(t);
    const enc = join(d, 'leaf-enc.key');
    assert.equal((await openssl(['pkey', '-in', leaf.key, '-aes256', '-passout', 'pass:k3y', '-out', enc])).exitCode, 0);
    const none = await mtlsctl(['inspect', 'chain.pem', '--key', enc], { cwd: dir });
    assert.equal(none.exitCode, 2);
    assert.match(none.stderr, /is an encrypted key and no passphrase was given \[PASSPHRASE_REQUIRED\]\nhint: pass --passphrase-file FILE or set MTLSCTL_CA_PASSPHRASE\n/);
    await writeFile(join(d, 'right'), 'k3y\n');
    await writeFile(join(d, 'wrong'), 'nope\n');
    const byFile = await mtlsctl(['inspect', 'chain.pem', '--key', enc, '--passphrase-file', join(d, 'right')], { cwd: dir });
    assert.equal(byFile.exitCode, 0, byFile.stderr);
    assert.match(byFile.stdout, /matches the leaf/);
    const byEnv = await mtlsctl(['inspect', 'chain.pem', '--key', enc], { cwd: dir, env: { MTLSCTL_CA_PASSPHRASE: 'k3y' } });
    assert.equal(byEnv.exitCode, 0, byEnv.stderr);
    assert.equal((await mtlsctl(['inspect', 'chain.pem', '--key', enc, '--password-file', join(d, 'right')], { cwd: dir })).exitCode, 0, 'the PKCS#12 password is tried too');
    const wrong = await mtlsctl(['inspect', 'chain.pem', '--key', enc, '--passphrase-file', join(d, 'wrong')], { cwd: dir });
    assert.equal(wrong.exitCode, 3);
    assert.match(wrong.stderr, /^error: the passphrase does not open .*leaf-enc\.key \[PASSPHRASE_WRONG\]\nhint: check --passphrase-file or MTLSCTL_CA_PASSPHRASE\n/);
  });

  test('when --at is past the leaf expiry then CERT_EXPIRED and exit 1', async () => {
    const at = new Date(Date.now() + 200 * 86_400_000).toISOString();
    const r = await mtlsctl(['inspect', 'chain.pem', '--ca', 'root.crt', '--at', at, '--json'], { cwd: dir });
    assert.equal(r.exitCode, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.verification.failure.code, 'CERT_EXPIRED');
    assert.equal(doc.verification.failure.certificate, 'chain.pem#1');
  });

  const MALFORMED: Array<[string, (d: string) => Promise<string>, number, RegExp]> = [
    ['a truncated PEM', async (d) => write(d, 'trunc.pem', leaf.pem.slice(0, 300)), 3, /trunc\.pem has a PEM block without its END line.*\[PEM_UNPARSEABLE\]/],
    ['a PEM whose body is cut short', async (d) => write(d, 'cut.pem', leaf.pem.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n')), 3, /cut\.pem: the certificate at line 1 is damaged .*\[PEM_UNPARSEABLE\]/],
    ['random bytes', async (d) => write(d, 'rand.bin', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 251))), 3, /rand\.bin holds no certificate: it is neither PEM, DER nor PKCS#12 \[PEM_UNPARSEABLE\]/],
    ['a private key where a certificate was expected', async () => leaf.key, 3, /.*leaf\.key holds no certificate, only PRIVATE KEY \[PEM_UNPARSEABLE\]\nhint: .*--key/],
    ['an empty file', async (d) => write(d, 'empty.pem', ''), 3, /empty\.pem is empty \[PEM_UNPARSEABLE\]/],
    ['a missing file', async () => 'missing.pem', 3, /cannot read missing\.pem: no such file or directory \[FILE_NOT_FOUND\]/],
    ['an unreachable port on 127.0.0.1', async () => '127.0.0.1:1', 5, /connection to 127\.0\.0\.1:1 refused \[CONNECT_REFUSED\]/],
  ];
  for (const [what, make, exit, message] of MALFORMED) {
    test(`when given ${what} then a one-line error and exit ${exit}, no stack trace`, async (t) => {
      const d = await tempDir(t);
      const input = await make(d);
      const r = await mtlsctl(['inspect', input], { cwd: d });
      assert.equal(r.exitCode, exit, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^error: ${message.source}`));
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1);
      assert.doesNotMatch(r.stderr, NO_STACK);
    });
  }

  test('when the options are malformed then it exits 2 and names the option', async () => {
    const at = await mtlsctl(['inspect', 'chain.pem', '--at', 'yesterday'], { cwd: dir });
    assert.equal(at.exitCode, 2);
    assert.match(at.stderr, /--at "yesterday" is not a time \[USAGE_INVALID_VALUE\]/);
    const warn = await mtlsctl(['inspect', 'chain.pem', '--warn-within', 'soon'], { cwd: dir });
    assert.equal(warn.exitCode, 2);
    const purpose = await mtlsctl(['inspect', 'chain.pem', '--purpose', 'email'], { cwd: dir });
    assert.equal(purpose.exitCode, 2);
    const cert = await mtlsctl(['inspect', 'chain.pem', '--cert', 'leaf.crt', '--key', 'leaf.key'], { cwd: dir });
    assert.equal(cert.exitCode, 2);
    assert.match(cert.stderr, /--cert and --servername apply only to a HOST:PORT endpoint \[USAGE\]/);
  });

  test('when colour is forced then errors are red and the words stay the same', async () => {
    const r = await mtlsctl(['inspect', 'chain.pem', '--key', 'inter.key'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /\u001b\[31merror {2}\u001b\[39m/);
    const plain = await mtlsctl(['inspect', 'chain.pem', '--key', 'inter.key'], { cwd: dir });
    assert.equal(r.stdout.replace(/\u001b\[[0-9;]*m/g, ''), plain.stdout);
    assert.doesNotMatch(plain.stdout, /\u001b/);
  });

  test('when help is asked for then it shows usage, examples and exit codes without TODO', async () => {
    const r = await mtlsctl(['inspect', '--help'], { cwd: dir });
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /^Usage: mtlsctl inspect \[options\] <input\.\.\.>/);
    assert.match(r.stdout, /\nExamples:\n/);
    assert.match(r.stdout, /\nExit codes:\n/);
    assert.doesNotMatch(r.stdout, /TODO/);
  });
});

describe('mtlsctl inspect on what mtlsctl makes', () => {
  for (const keyType of ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'ed25519']) test(`when inspecting the files init writes with ${keyType} then there is no error-level finding`, async (t) => {
    const dir = await tempDir(t);
    assert.equal((await mtlsctl(['init', '--key-type', keyType], { cwd: dir })).exitCode, 0);
    for (const args of [['pki/root-ca.crt'], ['pki/intermediate-ca.crt', '--ca', 'pki/trust-bundle.crt'], ['pki/trust-bundle.crt'], ['pki', '--ca', 'pki/trust-bundle.crt']]) {
      const r = await mtlsctl(['inspect', ...args, '--json'], { cwd: dir });
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(JSON.parse(r.stdout).summary.errors, 0);
    }
  });

  test('when inspecting service files of a mini-ca leaf then there is no error-level finding and the path is trusted', async (t) => {
    const dir = await tempDir(t);
    const ca = await makeTestCa();
    const files = await writeLeafFiles(dir, 'svc', await makeTestLeaf(ca), ca);
    for (const args of [[join(dir, 'svc')], [join(dir, 'svc'), '--ca', files.ca, '--purpose', 'server'], [files.cert, '--key', files.key], [files.chain, '--ca', files.ca, '--purpose', 'server', '--name', 'localhost', '--ip', '127.0.0.1'], [files.chain, '--ca', files.ca, '--purpose', 'client']]) {
      const r = await mtlsctl(['inspect', ...args, '--json'], { cwd: dir });
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(JSON.parse(r.stdout).summary.errors, 0);
    }
  });
});

async function write(dir: string, name: string, content: string | Buffer): Promise<string> {
  await writeFile(join(dir, name), content);
  return name;
}
