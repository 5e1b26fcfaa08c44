/** Hostile and malformed input to `mtlsctl inspect`. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl, type CliResult } from '../helpers/run-cli.js';
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
