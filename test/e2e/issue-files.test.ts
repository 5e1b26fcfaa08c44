import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir } from '../helpers/tmp.js';

/** A manifest of `count` services named svc-000... in namespace bench. */
function manyServices(count: number): string {
  const names = Array.from({ length: count }, (_, i) => `  - name: svc-${String(i).padStart(3, '0')}`);
  return ['defaults:', '  namespace: bench', 'services:', ...names, ''].join('\n');
}

describe('mtlsctl issue: PKCS#12, locking and concurrency', () => {
  test('when services ask for p12 then openssl and keytool open the ECDSA and RSA files, default and legacy', async (t) => {
    const dir = await tempDir(t);
    assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
    await writeFile(join(dir, 'p12.pass'), 'file-password\n', { mode: 0o600 });
    await writeFile(join(dir, 'mtls.yaml'), [
      'defaults:', '  formats: [pem, p12]', 'services:',
      '  - name: ec-modern', '    p12: { passwordFile: p12.pass }',
      '  - name: ec-legacy', '    p12: { passwordFile: p12.pass, legacy: true }',
      '  - name: rsa-modern', '    keyType: rsa-2048', '    p12: { passwordEnv: RSA_P12 }',
      '  - name: rsa-legacy', '    keyType: rsa-2048', '    p12: { legacy: true }', '',
    ].join('\n'));
    const env = { RSA_P12: 'env-password', MTLSCTL_P12_PASSWORD: 'fallback-password' };
    const r = await mtlsctl(['issue'], { cwd: dir, env });
    assert.equal(r.exitCode, 0, r.stderr);
    for (const secret of Object.values(env).concat('file-password')) assert.ok(!(r.stdout + r.stderr).includes(secret), 'no password is printed');
    const cases: Array<[string, string, RegExp]> = [
      ['ec-modern', 'file-password', /MAC: sha256/],
      ['ec-legacy', 'file-password', /MAC: sha1/],
      ['rsa-modern', 'env-password', /MAC: sha256/],
      ['rsa-legacy', 'fallback-password', /MAC: sha1/],
    ];
    for (const [name, password, mac] of cases) {
      const file = join(dir, 'out', name, `${name}.p12`);
      const info = await openssl(['pkcs12', '-info', '-nokeys', '-in', file, '-passin', `pass:${password}`]);
      assert.equal(info.exitCode, 0, `${name}: ${info.stderr}`);
      assert.match(info.stdout + info.stderr, mac);
      const keytool = await execa('keytool', ['-list', '-storetype', 'PKCS12', '-keystore', file, '-storepass', password], { reject: false, timeout: 60_000 });
      assert.equal(keytool.exitCode, 0, `${name}: ${keytool.stdout}${keytool.stderr}`);
      assert.match(keytool.stdout, new RegExp(`^${name}, .*PrivateKeyEntry`, 'm'));
    }
  });

  test('when two runs start at once then both succeed, each service is issued once and every key matches its certificate', async (t) => {
    const dir = await tempDir(t);
    assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
    const count = 150;
    await writeFile(join(dir, 'mtls.yaml'), manyServices(count));
    const [a, b] = await Promise.all([mtlsctl(['issue', '--json'], { cwd: dir }), mtlsctl(['issue', '--json'], { cwd: dir })]);
    assert.equal(a.exitCode, 0, a.stderr);
    assert.equal(b.exitCode, 0, b.stderr);
    const issued = [a, b].map((r) => (JSON.parse(r.stdout) as { summary: { issued: number } }).summary.issued);
    assert.equal(issued[0]! + issued[1]!, count, `issued ${issued.join(' + ')}`);
    const record = (await readFile(join(dir, 'pki/issued.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { service: string });
    assert.equal(record.length, count);
    assert.equal(new Set(record.map((r) => r.service)).size, count);
    for (const name of await readdir(join(dir, 'out'))) {
      const cert = new X509Certificate(await readFile(join(dir, 'out', name, 'cert.pem')));
      assert.ok(cert.checkPrivateKey(createPrivateKey(await readFile(join(dir, 'out', name, 'key.pem')))), name);
    }
    assert.ok(!(await readdir(join(dir, 'pki'))).includes('.lock'), 'the lock is released');
  });

  test('when another live process holds the lock then issue waits, fails with LOCKED (exit 4) and writes nothing', async (t) => {
    const dir = await tempDir(t);
    assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
    await writeFile(join(dir, 'mtls.yaml'), manyServices(2));
    await writeFile(join(dir, 'pki/.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    const r = await mtlsctl(['issue', '--lock-timeout', '1s'], { cwd: dir });
    assert.equal(r.exitCode, 4);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`locked by pid ${process.pid}.*\\[LOCKED\\]`));
    assert.deepEqual((await readdir(dir)).sort(), ['mtls.yaml', 'pki']);
  });

  test('when the CA key is encrypted then issue needs the passphrase only when it signs', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'pass'), 'ca-passphrase\n', { mode: 0o600 });
    assert.equal((await mtlsctl(['init', '--passphrase-file', 'pass'], { cwd: dir })).exitCode, 0);
    await writeFile(join(dir, 'mtls.yaml'), manyServices(1));
    const without = await mtlsctl(['issue'], { cwd: dir });
    assert.equal(without.exitCode, 2);
    assert.match(without.stderr, /\[PASSPHRASE_REQUIRED\]/);
    assert.equal((await mtlsctl(['issue', '--dry-run'], { cwd: dir })).exitCode, 0);
    const ok = await mtlsctl(['issue', '--passphrase-file', 'pass'], { cwd: dir });
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.equal((await mtlsctl(['issue'], { cwd: dir })).exitCode, 0, 'a no-op run needs no passphrase');
    const v = await openssl(['verify', '-CAfile', join(dir, 'pki/root-ca.crt'), '-untrusted', join(dir, 'pki/intermediate-ca.crt'), join(dir, 'out/svc-000/cert.pem')]);
    assert.equal(v.exitCode, 0, v.stdout + v.stderr);
  });

  test('when a certificate enters its renewal window then the next run renews it and the record supersedes the old serial', async (t) => {
    const dir = await tempDir(t);
    assert.equal((await mtlsctl(['init'], { cwd: dir })).exitCode, 0);
    // renewBefore 9s of a 10s ttl counted from a notBefore backdated 1s: the window opens as it is issued.
    await writeFile(join(dir, 'mtls.yaml'), 'services:\n  - name: a\n    ttl: 10s\n    renewBefore: 9s\n  - name: b\n');
    assert.equal((await mtlsctl(['issue'], { cwd: dir })).exitCode, 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const r = await mtlsctl(['issue', '--json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { services: Array<{ service: string; action: string; reason: string; supersedes?: string; serial: string }> };
    const [a, b] = doc.services;
    assert.equal(a!.action, 'renewed');
    assert.match(a!.reason, /within renewBefore 9s/);
    assert.equal(b!.action, 'unchanged');
    const lines = (await readFile(join(dir, 'pki/issued.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { serial: string; status: string; supersededBy?: string });
    assert.deepEqual(lines.filter((l) => l.status === 'superseded').map((l) => [l.serial, l.supersededBy]), [[a!.supersedes, a!.serial]]);
  });
});
