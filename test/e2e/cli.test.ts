import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Every command path listed by --help, recursively (e.g. `manifest new`). */
async function commandPaths(cwd: string, prefix: string[] = []): Promise<string[][]> {
  const help = await mtlsctl([...prefix, '--help'], { cwd });
  const section = help.stdout.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? '';
  const names = [...section.matchAll(/^ {2}([a-z0-9-]+)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
  const paths: string[][] = [];
  for (const name of names) {
    paths.push([...prefix, name]);
    paths.push(...(await commandPaths(cwd, [...prefix, name])));
  }
  return paths;
}

describe('the CLI surface', () => {
  test('when any --help is shown then it has Usage, Examples and Exit codes and no TODO', async (t) => {
    const cwd = await tempDir(t);
    const paths = [[], ...(await commandPaths(cwd))];
    assert.ok(paths.length >= 2, 'at least one command is listed');
    for (const path of paths) {
      const r = await mtlsctl([...path, '--help'], { cwd });
      const name = ['mtlsctl', ...path].join(' ');
      assert.equal(r.exitCode, 0, `${name} --help exits 0`);
      assert.match(r.stdout, /^Usage: /m, `${name} has Usage`);
      assert.match(r.stdout, /^Examples:\n {2}\$ mtlsctl /m, `${name} has Examples`);
      assert.match(r.stdout, /^Exit codes:\n {2}0 /m, `${name} has Exit codes`);
      assert.doesNotMatch(r.stdout, /TODO/, `${name} help has no TODO`);
    }
  });

  test('when --version is asked then it prints the package version and exits 0', async (t) => {
    const r = await mtlsctl(['--version'], { cwd: await tempDir(t) });
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('when the command is unknown then it exits 2 and says so on stderr', async (t) => {
    const r = await mtlsctl(['frobnicate'], { cwd: await tempDir(t) });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  test('when an option is unknown then it exits 2', async (t) => {
    const r = await mtlsctl(['init', '--frobnicate'], { cwd: await tempDir(t) });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /unknown option '--frobnicate'/);
  });

  test('when FORCE_COLOR is set then the report is coloured, and NO_COLOR wins over it', async (t) => {
    const coloured = await mtlsctl(['init'], { cwd: await tempDir(t), env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.equal(coloured.exitCode, 0, coloured.stderr);
    assert.match(coloured.stdout, /\u001b\[32m/);
    const plain = await mtlsctl(['init'], { cwd: await tempDir(t), env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    assert.doesNotMatch(plain.stdout + plain.stderr, /\u001b\[/);
    const flag = await mtlsctl(['init', '--no-color'], { cwd: await tempDir(t), env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.doesNotMatch(flag.stdout + flag.stderr, /\u001b\[/);
  });

  test('when --quiet is given then stderr holds no narration', async (t) => {
    const r = await mtlsctl(['init', '--quiet'], { cwd: await tempDir(t) });
    assert.equal(r.exitCode, 0);
    assert.equal(r.stderr, '');
  });

  test('when --json fails then stdout stays empty and the error is on stderr', async (t) => {
    const cwd = await tempDir(t);
    await mtlsctl(['init'], { cwd });
    const r = await mtlsctl(['init', '--json'], { cwd });
    assert.equal(r.exitCode, 4);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /\[REFUSE_OVERWRITE\]/);
  });

  test('when --debug is given then an error shows its cause stack, and never without it', async (t) => {
    const cwd = await tempDir(t);
    await writeFile(join(cwd, 'plain-file'), 'not a directory');
    const bad = ['init', '--dir', 'plain-file/pki'];
    const plain = await mtlsctl(bad, { cwd });
    assert.equal(plain.exitCode, 4);
    assert.doesNotMatch(plain.stderr, /\n\s+at /);
    const debug = await mtlsctl([...bad, '--debug'], { cwd });
    assert.equal(debug.exitCode, 4);
    assert.match(debug.stderr, /\n\s+at /);
  });
});
