import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { runIssue, type IssueRunOptions } from '../../../src/issue/run.js';
import { readRecords, statusBySerial } from '../../../src/issue/record.js';
import { MtlsError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';
import { DAY, makeCaDir, manifestOf, serviceSpec } from './fixtures.js';

const runOptions = (extra: Partial<IssueRunOptions> = {}): IssueRunOptions => ({
  now: new Date(), env: {}, passphrase: async () => undefined, lockTimeoutMs: 2000, ...extra,
});

async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const s = await stat(path);
    out.set(path, `${s.mtimeMs} ${(await readFile(path)).toString('base64')}`);
  }
  return out;
}

describe('runIssue', () => {
  test('when services are issued then each folder has cert, key (0600), chain and ca that belong together', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    const manifest = manifestOf(dir, [serviceSpec('web', { ip: ['127.0.0.1'] }), serviceSpec('db', { keyType: 'rsa-2048', usage: 'server' })]);
    const result = await runIssue(manifest, runOptions());
    assert.deepEqual(result.outcomes.map((o) => o.action), ['issued', 'issued']);
    for (const name of ['web', 'db']) {
      const folder = join(dir, 'out', name);
      assert.deepEqual((await readdir(folder)).sort(), ['ca.pem', 'cert.pem', 'chain.pem', 'key.pem']);
      assert.equal((await stat(join(folder, 'key.pem'))).mode & 0o777, 0o600);
      const certPem = await readFile(join(folder, 'cert.pem'), 'utf8');
      const cert = new X509Certificate(certPem);
      assert.ok(cert.checkPrivateKey(createPrivateKey(await readFile(join(folder, 'key.pem')))));
      assert.equal(await readFile(join(folder, 'chain.pem'), 'utf8'), certPem + (await readFile(join(dir, 'pki/intermediate-ca.crt'), 'utf8')));
      assert.equal(await readFile(join(folder, 'ca.pem'), 'utf8'), await readFile(join(dir, 'pki/root-ca.crt'), 'utf8'));
      assert.equal(cert.subject, `CN=${name}`);
    }
    assert.match(new X509Certificate(await readFile(join(dir, 'out/web/cert.pem'))).subjectAltName!, /IP Address:127\.0\.0\.1/);
  });

  test('when run twice then the second run writes nothing: bytes and mtimes are the same', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    const manifest = manifestOf(dir, [serviceSpec('a'), serviceSpec('b')]);
    await runIssue(manifest, runOptions());
    const before = await snapshot(dir);
    const second = await runIssue(manifest, runOptions());
    assert.deepEqual(second.outcomes.map((o) => o.action), ['unchanged', 'unchanged']);
    assert.deepEqual(await snapshot(dir), before);
  });

  test('when a service is reissued then the record marks the old serial superseded and the new one active', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    const manifest = manifestOf(dir, [serviceSpec('a'), serviceSpec('b')]);
    const first = await runIssue(manifest, runOptions());
    const second = await runIssue(manifest, runOptions({ force: true, only: ['a'] }));
    const oldSerial = first.outcomes[0]!.serial;
    const newSerial = second.outcomes[0]!.serial;
    assert.equal(second.outcomes[0]!.supersedes, oldSerial);
    const records = readRecords(manifest.caDir);
    assert.equal(records.length, 4);
    const status = statusBySerial(records);
    assert.equal(status.get(oldSerial), 'superseded');
    assert.equal(status.get(newSerial), 'active');
    assert.equal(status.get(first.outcomes[1]!.serial), 'active');
    const active = records.find((r) => r.serial === newSerial && r.status === 'active')!;
    assert.deepEqual(Object.keys(active).sort(), ['dns', 'ip', 'issuedAt', 'namespace', 'notAfter', 'notBefore', 'serial', 'service', 'status', 'uri']);
  });

  test('when it is a dry run then nothing is written, not even the record or the lock', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    const before = await snapshot(dir);
    const result = await runIssue(manifestOf(dir, [serviceSpec('a')]), runOptions({ dryRun: true }));
    assert.deepEqual(result.plan.map((p) => p.action), ['issue']);
    assert.deepEqual(await snapshot(dir), before);
  });

  test('when the lock is held by a live process then the run fails with LOCKED after the timeout', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    await writeFile(join(dir, 'pki/.lock'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), since: 'now' }));
    await assert.rejects(runIssue(manifestOf(dir, [serviceSpec('a')]), runOptions({ lockTimeoutMs: 200 })), (e: MtlsError) => {
      assert.equal(e.code, 'LOCKED');
      assert.equal(e.exitCode, 4);
      assert.match(e.message, new RegExp(`locked by pid ${process.pid}`));
      return true;
    });
  });

  test('when the lock was left by a process that is gone then it is taken over and released', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    await writeFile(join(dir, 'pki/.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: 'then' }));
    const result = await runIssue(manifestOf(dir, [serviceSpec('a')]), runOptions({ lockTimeoutMs: 200 }));
    assert.equal(result.outcomes[0]!.action, 'issued');
    assert.ok(!(await readdir(join(dir, 'pki'))).some((f) => f.startsWith('.lock')), 'no lock file is left');
  });

  test('when the CA expires before the ttl then the validity is clamped to it and flagged', async (t) => {
    const dir = await tempDir(t);
    const ca = await makeCaDir(dir, { intermediateTtl: 10 * DAY });
    const result = await runIssue(manifestOf(dir, [serviceSpec('a')]), runOptions());
    assert.equal(result.outcomes[0]!.clamped, true);
    assert.equal(result.outcomes[0]!.notAfter, new Date(Math.floor(Date.parse(ca.intermediate!.notAfter) / 1000) * 1000).toISOString());
    const again = await runIssue(manifestOf(dir, [serviceSpec('a')]), runOptions());
    assert.equal(again.outcomes[0]!.action, 'unchanged', 'a clamped certificate is not renewed on every run');
    assert.match(again.warnings.join('\n'), /cannot outlive the issuing CA/);
  });

  test('when a p12 service uses the default variable then the hint names it once', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    const spec = serviceSpec('a', { formats: ['pem', 'p12'], p12: { passwordEnv: 'MTLSCTL_P12_PASSWORD', legacy: false, friendlyName: 'a' } });
    await assert.rejects(runIssue(manifestOf(dir, [spec]), runOptions()), (e: MtlsError) => {
      assert.equal(e.code, 'P12_PASSWORD_REQUIRED');
      assert.equal(e.hint, 'set p12.passwordFile in the manifest, or set MTLSCTL_P12_PASSWORD');
      return true;
    });
  });

  test('when a service asks for p12 and no password is set then nothing is written and the error names the variable', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    const spec = serviceSpec('a', { formats: ['pem', 'p12'], p12: { passwordEnv: 'A_P12', legacy: false, friendlyName: 'a' } });
    await assert.rejects(runIssue(manifestOf(dir, [spec]), runOptions()), (e: MtlsError) => {
      assert.equal(e.code, 'P12_PASSWORD_REQUIRED');
      assert.match(e.hint!, /A_P12 or MTLSCTL_P12_PASSWORD/);
      return true;
    });
    assert.deepEqual(await readdir(dir), ['pki']);
    const ok = await runIssue(manifestOf(dir, [spec]), runOptions({ env: { A_P12: 'pw' } }));
    assert.deepEqual(ok.outcomes[0]!.files.map((f) => f.split('/').pop()), ['cert.pem', 'key.pem', 'chain.pem', 'ca.pem', 'a.p12']);
    assert.equal((await stat(join(dir, 'out/a/a.p12'))).mode & 0o777, 0o600);
  });

  test('when a service folder cannot be written then the run fails with WRITE_FAILED and records what was written', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'out/blocked'), 'a file where a folder should be');
    const manifest = manifestOf(dir, [serviceSpec('a'), serviceSpec('blocked')]);
    await assert.rejects(runIssue(manifest, runOptions({ concurrency: 1 })), (e: MtlsError) => e.code === 'WRITE_FAILED');
    assert.deepEqual(readRecords(manifest.caDir).map((r) => r.service), ['a']);
    assert.ok(!(await readdir(join(dir, 'pki'))).includes('.lock'), 'the lock is released');
  });

  test('when the root issues directly then chain.pem is the certificate alone and ca.pem the root', async (t) => {
    const dir = await tempDir(t);
    await makeCaDir(dir, { intermediate: false });
    await runIssue(manifestOf(dir, [serviceSpec('a')]), runOptions());
    const cert = await readFile(join(dir, 'out/a/cert.pem'), 'utf8');
    assert.equal(await readFile(join(dir, 'out/a/chain.pem'), 'utf8'), cert);
    const root = await readFile(join(dir, 'pki/root-ca.crt'), 'utf8');
    assert.equal(await readFile(join(dir, 'out/a/ca.pem'), 'utf8'), root);
    assert.ok(new X509Certificate(cert).verify(new X509Certificate(root).publicKey));
    const again = await runIssue(manifestOf(dir, [serviceSpec('a')]), runOptions());
    assert.equal(again.outcomes[0]!.action, 'unchanged');
  });
});
