/** Bad command lines: commander's parse errors follow the one-line error contract. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, mtlsctl } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('usage errors from the parser', () => {
  const cases: Array<[string[], RegExp, string]> = [
    [['init', '--bogus'], /^error: unknown option '--bogus' \[USAGE\]$/, 'mtlsctl init --help'],
    [['init', '--dir'], /^error: option '--dir <dir>' argument missing \[USAGE\]$/, 'mtlsctl init --help'],
    [['init', '--key-type', 'dsa'], /^error: option '--key-type <type>' argument 'dsa' is invalid\. Allowed choices are .*ed25519 \[USAGE\]$/, 'mtlsctl init --help'],
    [['manifest', 'from-k8s'], /^error: missing required argument 'files' \[USAGE\]$/, 'mtlsctl manifest from-k8s --help'],
    [['manifest', 'frob'], /^error: unknown command 'frob' \[USAGE\]$/, 'mtlsctl manifest --help'],
    [['inspect', 'a.pem', '--purpose', 'both'], /^error: option '--purpose <purpose>' .* \[USAGE\]$/, 'mtlsctl inspect --help'],
  ];
  for (const [args, line, help] of cases) {
    test(`when run as mtlsctl ${args.join(' ')} then stderr is one error line with its code and a hint`, async (t) => {
      const r = await mtlsctl(args, { cwd: await tempDir(t) });
      assert.equal(r.exitCode, 2);
      assert.equal(r.stdout, '');
      const [first, second, ...rest] = r.stderr.split('\n');
      assert.match(first!, line);
      assert.equal(second, `hint: see ${help}`);
      assert.deepEqual(rest, ['']);
    });
  }

  test('when an option value holds control characters then the parse error escapes them', async (t) => {
    const r = await mtlsctl(['init', '--key-type', 'x\u001b[2Jy'], { cwd: await tempDir(t) });
    assert.equal(r.exitCode, 2);
    assert.doesNotMatch(r.stderr, /\u001b/);
    assert.match(r.stderr, /x\\u001b\[2Jy/);
  });
});

describe('contradictory global flags', () => {
  test('when --quiet and --verbose are both given then it is a usage error and nothing runs', async (t) => {
    const cwd = await tempDir(t);
    const r = await mtlsctl(['init', '--quiet', '--verbose'], { cwd });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: --quiet and --verbose contradict each other [USAGE]\nhint: keep one of them\n');
    assert.equal(existsSync(join(cwd, 'pki')), false, 'init did not run');
  });
});

describe('help layout', () => {
  for (const path of [['init'], ['manifest'], ['manifest', 'new'], ['manifest', 'check'], ['manifest', 'from-k8s'], ['inspect']]) {
    test(`when mtlsctl ${path.join(' ')} --help is shown then every line fits in 80 columns`, async (t) => {
      const r = await mtlsctl([...path, '--help'], { cwd: await tempDir(t) });
      assert.equal(r.exitCode, 0);
      const wide = r.stdout.split('\n').filter((l) => l.length > 80);
      assert.deepEqual(wide, []);
    });
  }
});

describe('command groups run without a subcommand', () => {
  for (const args of [[], ['manifest']]) {
    test(`when run as mtlsctl ${args.join(' ')} alone then help goes to stderr and the exit status is 2`, async (t) => {
      const r = await mtlsctl(args, { cwd: await tempDir(t) });
      assert.equal(r.exitCode, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^Usage: mtlsctl /);
    });
  }

  test('when help is asked for with the help command then it exits 0', async (t) => {
    const r = await mtlsctl(['help', 'init'], { cwd: await tempDir(t) });
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /^Usage: mtlsctl init /);
  });
});

describe('a reader that goes away', () => {
  test('when stdout is closed early (| head -1) then there is no EPIPE stack trace and the exit status is kept', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const pem = await readFile(join(cwd, 'pki/root-ca.crt'), 'utf8');
    await writeFile(join(cwd, 'bundle.pem'), pem.repeat(2000));
    const expected = (await mtlsctl(['inspect', 'bundle.pem'], { cwd })).exitCode;
    const child = spawn(process.execPath, [BIN, 'inspect', 'bundle.pem'], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.once('data', () => child.stdout.destroy());
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    assert.doesNotMatch(stderr, /EPIPE|\n\s+at /);
    assert.equal(code, expected);
  });
});
