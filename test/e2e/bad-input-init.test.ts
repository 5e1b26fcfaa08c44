/** Hostile and malformed input to `mtlsctl init`. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, mtlsctl } from '../helpers/run-cli.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir } from '../helpers/tmp.js';

describe('init on bad input', () => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ['a root lifetime past year 9999', ['--root-ttl', '99999y'], 2, /--root-ttl ends after 9999-12-31.*\[USAGE_INVALID_VALUE\]/],
    ['a lifetime too large for a date', ['--root-ttl', '99999999999999999999999y'], 2, /--root-ttl ends after 9999-12-31/],
    ['an intermediate lifetime past year 9999', ['--root-ttl', '7900y', '--intermediate-ttl', '8000y'], 2, /--intermediate-ttl ends after 9999-12-31/],
    ['a name with a newline', ['--name', 'evil\nname'], 2, /--name must not hold control characters/],
    ['an organisation with an escape', ['--organization', 'a\u001b[2Jb'], 2, /--organization must not hold control characters/],
    ['a name too long for the intermediate CN', ['--name', 'a'.repeat(52)], 2, /--name must be 1 to 51 characters \(got 52\)/],
    ['a trust domain with a leading dot', ['--trust-domain', '.local'], 2, /--trust-domain ".local" is not a SPIFFE trust domain/],
    ['a trust domain with an empty label', ['--trust-domain', 'a..b'], 2, /--trust-domain "a\.\.b" is not a SPIFFE trust domain/],
    ['a passphrase file that is a directory', ['--passphrase-file', '.'], 3, /cannot read passphrase file \.: it is a directory \[FILE_NOT_FOUND\]/],
    ['a passphrase file that never ends', ['--passphrase-file', '/dev/zero'], 3, /cannot read passphrase file \/dev\/zero: it is not a regular file/],
  ];
  for (const [what, args, exit, message] of cases) {
    test(`when given ${what} then it exits ${exit} with one error line and writes nothing`, async (t) => {
      const cwd = await tempDir(t);
      const r = await mtlsctl(['init', ...args], { cwd });
      assert.equal(r.exitCode, exit, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1);
      assert.doesNotMatch(r.stderr, /INTERNAL|\n\s+at /);
      assert.equal(existsSync(join(cwd, 'pki')), false, 'no CA directory');
    });
  }

  test('when the passphrase file is empty then the exit status matches the code table (2)', async (t) => {
    const cwd = await tempDir(t);
    await writeFile(join(cwd, 'pass'), '\n');
    const r = await mtlsctl(['init', '--passphrase-file', 'pass'], { cwd });
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /passphrase file pass is empty \[USAGE_INVALID_VALUE\]/);
  });

  test('when the passphrase file ends in CRLF then the key opens with the passphrase alone', async (t) => {
    const cwd = await tempDir(t);
    await writeFile(join(cwd, 'pass'), 'correct horse\r\n');
    const r = await mtlsctl(['init', '--passphrase-file', 'pass'], { cwd });
    assert.equal(r.exitCode, 0, r.stderr);
    const opened = await openssl(['pkey', '-in', join(cwd, 'pki/root-ca.key'), '-passin', 'pass:correct horse', '-noout']);
    assert.equal(opened.exitCode, 0, opened.stderr);
  });

  test('when --dir names a file then it says so and leaves the file alone', async (t) => {
    const cwd = await tempDir(t);
    await writeFile(join(cwd, 'afile'), 'keep me');
    const r = await mtlsctl(['init', '--dir', 'afile'], { cwd });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /--dir .*afile is a file, not a directory \[WRITE_FAILED\]/);
    assert.equal(await readFile(join(cwd, 'afile'), 'utf8'), 'keep me');
  });

  test('when --dir is a symbolic link to nothing then it says so instead of an errno', async (t) => {
    const cwd = await tempDir(t);
    await symlink('/nonexistent/pki', join(cwd, 'pki'));
    const r = await mtlsctl(['init'], { cwd });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /--dir .*pki is a symbolic link to nothing \[WRITE_FAILED\]/);
    assert.doesNotMatch(r.stderr, /ENOENT/);
  });

  test('when --dir is under a file system that refuses new entries (/proc) then it fails at once instead of hanging', async (t) => {
    const cwd = await tempDir(t);
    // Node's recursive mkdir loops forever on procfs; the run is bounded by the helper's timeout.
    const r = await mtlsctl(['init', '--dir', '/proc/mtlsctl-pki'], { cwd, timeoutMs: 20_000 });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /failed to write \/proc\/mtlsctl-pki\/.*: its directory cannot be created there \[WRITE_FAILED\]/);
  });

  test('when --force fails half way then no ca.json vouches for a mixed CA', async (t) => {
    const cwd = await tempDir(t);
    assert.equal((await mtlsctl(['init'], { cwd })).exitCode, 0);
    // A directory where the intermediate key goes makes the replacement fail after the root.
    await rm(join(cwd, 'pki/intermediate-ca.key'));
    await mkdir(join(cwd, 'pki/intermediate-ca.key/blocker'), { recursive: true });
    const r = await mtlsctl(['init', '--force'], { cwd });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /\[WRITE_FAILED\]/);
    assert.equal(existsSync(join(cwd, 'pki/ca.json')), false, 'ca.json removed before the replacement');
    const again = await mtlsctl(['init'], { cwd });
    assert.equal(again.exitCode, 4);
    assert.match(again.stderr, /an incomplete CA \(no ca\.json\) is in .* \[REFUSE_OVERWRITE\]/);
  });
});

describe('init interrupted', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`when ${signal} arrives during init then it dies of ${signal} after one ABORTED line and writes no CA`, async (t) => {
      const cwd = await tempDir(t);
      // init blocks reading a FIFO passphrase file until a writer comes: a
      // moment inside the command that the test can detect, with no timing.
      const fifo = join(cwd, 'pass.fifo');
      await execa('mkfifo', [fifo]);
      const child = execa(process.execPath, [BIN, 'init', '--passphrase-file', fifo], { cwd, reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });
      // Holding the write end open keeps init waiting for the passphrase.
      const writer = await openWhenRead(fifo);
      child.kill(signal);
      const r = await child;
      closeSync(writer);
      // Killed by the signal itself: a shell reports 130 for SIGINT, 143 for SIGTERM.
      assert.equal(r.signal, signal, String(r.stderr));
      assert.equal(r.stdout, '');
      assert.match(String(r.stderr), new RegExp(`^error: interrupted by ${signal}; .* \\[ABORTED\\]$`));
      assert.equal(existsSync(join(cwd, 'pki')), false);
    });
  }
});

/** Opens the FIFO's write end once a process has it open for reading. */
async function openWhenRead(fifo: string): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    try {
      return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error(`no reader opened ${fifo}`);
}
