/** Hostile and malformed input to `manifest check` and `manifest from-k8s`. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mtlsctl, type CliResult } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

/** A YAML file whose aliases expand to 9^7 items (a "billion laughs"). */
const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'services: [*e]',
  '',
].join('\n');

/** Asserts the one-line error contract: exit 3, empty stdout, no stack, the code named. */
function assertInputError(r: CliResult, code: string, mention: RegExp): void {
  assert.equal(r.exitCode, 3, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^error: .*\\[${code}\\]$`, 'm'));
  assert.match(r.stderr, mention);
  assert.doesNotMatch(r.stderr, /INTERNAL|\n\s+at /);
}

async function check(t: Parameters<typeof tempDir>[0], content: string | Buffer): Promise<CliResult> {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'm.yaml'), content);
  return mtlsctl(['manifest', 'check', '-f', 'm.yaml'], { cwd });
}

async function fromK8s(t: Parameters<typeof tempDir>[0], content: string | Buffer): Promise<CliResult> {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'k.yaml'), content);
  return mtlsctl(['manifest', 'from-k8s', 'k.yaml'], { cwd });
}

describe('manifest check on hostile input', () => {
  test('when aliases expand past the limit then it is a manifest problem, not an internal error', async (t) => {
    assertInputError(await check(t, ALIAS_BOMB), 'MANIFEST_INVALID', /m\.yaml:1:1: YAML aliases: .*expand more than 1000/);
  });

  test('when the file is not UTF-8 then it says so instead of quoting raw bytes', async (t) => {
    const r = await check(t, Buffer.from([0xff, 0xfe, 0x00, 0x73, 0x3a, 0x0a]));
    assertInputError(r, 'MANIFEST_INVALID', /not UTF-8 text/);
    assert.doesNotMatch(r.stderr, /\u0000|\ufffd/);
  });

  test('when a value carries a !!binary tag then it is checked as text, not as a Buffer', async (t) => {
    const r = await check(t, 'services:\n  - !!binary aGVsbG8=\n');
    assertInputError(r, 'MANIFEST_INVALID', /services\[0\]: expected a map/);
    assert.doesNotMatch(r.stderr, /readBigUInt64/);
  });

  test('when a key holds terminal escapes then the error escapes them', async (t) => {
    const r = await check(t, 'services:\n  - name: a\n    \u001b[31mbogus: 1\n');
    assertInputError(r, 'MANIFEST_INVALID', /\\u001b\[31mbogus/);
    assert.doesNotMatch(r.stderr, /\u001b/);
  });

  test('when a key is a YAML collection then stderr holds only the problem, no process warning', async (t) => {
    const r = await check(t, '? [a, b]\n: 1\nservices:\n  - name: a\n');
    assertInputError(r, 'MANIFEST_INVALID', /m\.yaml:1:1: .*unknown key/);
    assert.doesNotMatch(r.stderr, /Warning|trace-warnings/);
  });

  test('when name, namespace and clusterDomain are each valid but the default DNS name is too long then it is a problem', async (t) => {
    const clusterDomain = [1, 2, 3].map(() => 'a'.repeat(60)).join('.') + '.local';
    const r = await check(t, `clusterDomain: ${clusterDomain}\nservices:\n  - name: ${'w'.repeat(63)}\n    namespace: ${'n'.repeat(63)}\n`);
    assertInputError(r, 'MANIFEST_INVALID', /m\.yaml:3:11: services\[0\]\.name: the default DNS name w+… is 320 characters long \(at most 253\)/);
  });

  test('when the manifest path is a device then it is refused at once', async (t) => {
    const r = await mtlsctl(['manifest', 'check', '-f', '/dev/zero'], { cwd: await tempDir(t), timeoutMs: 20_000 });
    assertInputError(r, 'FILE_NOT_FOUND', /cannot read manifest \/dev\/zero: it is not a regular file/);
  });
});

describe('manifest from-k8s on hostile input', () => {
  test('when aliases expand past the limit then it is a YAML error naming the file', async (t) => {
    assertInputError(await fromK8s(t, ALIAS_BOMB), 'K8S_UNPARSEABLE', /k\.yaml:1:1: the aliases/);
  });

  test('when the file is binary then it is named and exit is 3', async (t) => {
    assertInputError(await fromK8s(t, Buffer.from([0x00, 0x01, 0xff, 0x80])), 'K8S_UNPARSEABLE', /k\.yaml is not UTF-8 text/);
  });

  test('when --cluster-domain makes default names too long then the error names the input, not a generated file', async (t) => {
    const cwd = await tempDir(t);
    await writeFile(join(cwd, 'k.yaml'), `kind: Deployment\nmetadata: {name: ${'w'.repeat(63)}, namespace: ${'n'.repeat(63)}}\n`);
    const clusterDomain = [1, 2, 3].map(() => 'a'.repeat(60)).join('.') + '.local';
    const r = await mtlsctl(['manifest', 'from-k8s', 'k.yaml', '--cluster-domain', clusterDomain], { cwd });
    assertInputError(r, 'MANIFEST_INVALID', /^error: the manifest derived from k\.yaml would not load \[MANIFEST_INVALID\]\n.*320 characters long[^]*hint: shorten --cluster-domain/m);
  });

  test('when Kubernetes names hold ESC and newlines then comments and warnings show them escaped', async (t) => {
    const r = await fromK8s(t, 'kind: Deployment\nmetadata: {name: "web\\nevil: 1\\e[2J", namespace: "ns\\e[31m"}\n');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /\u001b/);
    assert.doesNotMatch(r.stdout, /^evil: 1/m, 'no YAML line of its own');
    assert.match(r.stdout, /# Deployment ns\\u001b\[31m\/web\\u000aevil: 1\\u001b\[2J \(k\.yaml:1\)/);
  });

  test('when three workloads share a name then each gets a distinct service name', async (t) => {
    const docs = ['Deployment', 'StatefulSet', 'DaemonSet', 'Deployment']
      .map((kind, i) => `kind: ${kind}\nmetadata: {name: ${i === 3 ? 'web-default' : 'web'}}\n`)
      .join('---\n');
    const r = await fromK8s(t, docs);
    assert.equal(r.exitCode, 0, r.stderr);
    const names = [...r.stdout.matchAll(/- name: (\S+)/g)].map((m) => m[1]);
    assert.equal(names.length, 4);
    assert.equal(new Set(names).size, 4, `distinct names: ${names.join(', ')}`);
  });

  test('when names, namespaces and accounts are not DNS labels then the manifest still loads and warns', async (t) => {
    const r = await fromK8s(t, [
      'kind: Deployment',
      'metadata: {name: "___", namespace: Bad_NS, labels: {app: x}}',
      'spec: {template: {metadata: {labels: {app: x}}, spec: {serviceAccountName: Weird_SA}}}',
      '---',
      'kind: Service',
      'metadata: {name: Web_Svc, namespace: Bad_NS}',
      'spec: {selector: {app: x}}',
      '',
    ].join('\n'));
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /- name: workload\n\s+namespace: bad-ns\n\s+serviceAccount: weird-sa\n/);
    assert.doesNotMatch(r.stdout, /Web_Svc\./);
    assert.match(r.stderr, /warning: namespace "Bad_NS" .*k\.yaml:1/);
    assert.match(r.stderr, /warning: Service Bad_NS\/Web_Svc .* left out/);
  });
});

describe('manifest new and from-k8s -o on odd targets', () => {
  test('when the target is a dangling symbolic link then it is not replaced without --force', async (t) => {
    const cwd = await tempDir(t);
    await symlink('/nonexistent/mtls.yaml', join(cwd, 'mtls.yaml'));
    const r = await mtlsctl(['manifest', 'new'], { cwd });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /mtls\.yaml already exists \[REFUSE_OVERWRITE\]/);
    assert.equal((await lstat(join(cwd, 'mtls.yaml'))).isSymbolicLink(), true);
  });

  test('when the target is a directory then --force does not help and the error says why', async (t) => {
    const cwd = await tempDir(t);
    await mkdir(join(cwd, 'out.yaml'));
    await writeFile(join(cwd, 'k.yaml'), 'kind: Deployment\nmetadata: {name: web}\n');
    const r = await mtlsctl(['manifest', 'from-k8s', 'k.yaml', '-o', 'out.yaml', '--force'], { cwd });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.equal(r.stderr, 'error: out.yaml is a directory, not a file [WRITE_FAILED]\nhint: name a file, e.g. mtls.yaml, not a directory\n');
  });

  test('when a folder on the path is a file then the error names it instead of an errno', async (t) => {
    const cwd = await tempDir(t);
    await writeFile(join(cwd, 'deploy'), '');
    const r = await mtlsctl(['manifest', 'new', '-f', 'deploy/mtls.yaml'], { cwd });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /cannot write deploy\/mtls\.yaml: .*deploy is a file, not a directory \[WRITE_FAILED\]/);
    assert.doesNotMatch(r.stderr, /EEXIST|ENOTDIR/);
  });
});
