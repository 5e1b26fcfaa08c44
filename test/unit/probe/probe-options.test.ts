import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTarget, parseTarget } from '../../../src/probe/target.js';
import { probeOptions } from '../../../src/probe/probe-request.js';
import { MtlsError } from '../../../src/errors.js';

const path = (p: string) => `/abs/${p}`;

describe('parseTarget', () => {
  const ok: Array<[string, string, number]> = [
    ['api.internal:8443', 'api.internal', 8443],
    ['10.0.0.7:443', '10.0.0.7', 443],
    ['[::1]:8443', '::1', 8443],
    ['[fe80::1%eth0]:9', 'fe80::1%eth0', 9],
    ['payments', 'payments', 443],
  ];
  for (const [text, host, port] of ok) {
    test(`when the target is ${text} then host is ${host} and port ${port}`, () => {
      assert.deepEqual(parseTarget(text, 'target', 443), { host, port });
    });
  }
  for (const text of ['::1', 'host:99999', 'host:port', '[not-v6]:443', 'a b:1', '[::1', 'host:', ':443', 'host:-1', 'host:0', 'a..b:443', `${'a'.repeat(64)}.internal:443`, `${'a.'.repeat(130)}x:443`]) {
    test(`when the target is ${JSON.stringify(text)} then it is a usage error`, () => {
      assert.throws(() => parseTarget(text, 'target', 443), (e: MtlsError) => e.code === 'USAGE_INVALID_VALUE' && e.exitCode === 2);
    });
  }
  test('when --listen asks for port 0 then the system may pick the port', () => {
    assert.deepEqual(parseTarget('127.0.0.1:0', '--listen', undefined, true), { host: '127.0.0.1', port: 0 });
  });
  test('when a --servername is an IP address or a DNS name then it is accepted', () => {
    for (const servername of ['10.0.0.5', 'api.internal', 'payments.default.svc.cluster.local.']) {
      const mode = probeOptions({ file: 'mtls.yaml', servername }, ['h:1'], path);
      assert.equal(mode.kind === 'client' && mode.request.servername, servername);
    }
  });
  test('when an IPv6 target is formatted then it gets brackets', () => {
    assert.equal(formatTarget({ host: '::1', port: 8443 }), '[::1]:8443');
    assert.equal(formatTarget({ host: 'a.b', port: 1 }), 'a.b:1');
  });
});

describe('probeOptions', () => {
  const base = { file: 'mtls.yaml' };
  test('when a target and files are given then the mode is client with absolute paths and TLS versions', () => {
    const mode = probeOptions({ ...base, cert: 'c.pem', key: 'k.pem', ca: 'ca.pem', tlsMin: '1.3', http: true }, ['h:1'], path);
    assert.equal(mode.kind, 'client');
    if (mode.kind !== 'client') return;
    assert.deepEqual(mode.request.files, { cert: '/abs/c.pem', key: '/abs/k.pem', ca: '/abs/ca.pem' });
    assert.equal(mode.request.minVersion, 'TLSv1.3');
    assert.equal(mode.request.httpPath, '/');
    assert.equal(mode.request.timeoutMs, 5000);
  });
  test('when --listen is given then the default timeout is 30 s and --count is read', () => {
    const mode = probeOptions({ ...base, listen: '127.0.0.1:0', cert: 'c', key: 'k', ca: 'a', count: '3' }, [], path);
    assert.equal(mode.kind, 'listen');
    if (mode.kind === 'listen') assert.deepEqual([mode.request.timeoutMs, mode.request.count], [30_000, 3]);
  });
  const usage: Array<[string, Record<string, unknown>, string[], RegExp]> = [
    ['nothing', {}, [], /needs HOST:PORT, --from\/--to or --listen/],
    ['--cert without --key', { cert: 'c' }, ['h:1'], /--cert needs --key as well/],
    ['--key without --cert', { key: 'k' }, ['h:1'], /--key needs --cert as well/],
    ['an empty --servername', { servername: '' }, ['h:1'], /--servername "" is not a DNS name/],
    ['a --servername with a space', { servername: 'a b' }, ['h:1'], /--servername "a b" is not a DNS name/],
    ['a --timeout of 0', { timeout: '0' }, ['h:1'], /--timeout "0" is not a duration above zero/],
    ['a --timeout without unit', { timeout: '5' }, ['h:1'], /--timeout "5" is not a duration/],
    ['a --timeout too long for a timer', { timeout: '99999999999999999999d' }, ['h:1'], /longer than a day/],
    ['an --http path with CR/LF', { http: '/x\r\nHost: evil' }, ['h:1'], /--http path .* holds spaces or control characters/],
    ['an --http path with a space', { http: '/a b' }, ['h:1'], /holds spaces or control characters/],
    ['an empty --http path', { http: '' }, ['h:1'], /does not start with \//],
    ['an --http path without a leading slash', { http: 'healthz' }, ['h:1'], /does not start with \//],
    ['--http right before the target', { http: 'api.internal:8443' }, [], /--http path "api.internal:8443" does not start with \//],
    ['--count 0 with --listen', { listen: '127.0.0.1:0', cert: 'c', key: 'k', ca: 'a', count: '0' }, [], /--count "0" is not a positive whole number/],
    ['--count 1e3 with --listen', { listen: '127.0.0.1:0', cert: 'c', key: 'k', ca: 'a', count: '1e3' }, [], /--count "1e3" is not a positive whole number/],
    ['a target with port 0', {}, ['127.0.0.1:0'], /has port 0/],
    ['--from without --to', { from: 'a' }, [], /--from and --to go together/],
    ['--from/--to with a target', { from: 'a', to: 'b' }, ['h:1'], /cannot be combined with HOST:PORT/],
    ['--listen with --http', { listen: ':1', cert: 'c', key: 'k', ca: 'a', http: true }, [], /cannot be combined with --http/],
    ['--count without --listen', { count: '1' }, ['h:1'], /--count only applies to --listen/],
    ['--tls-min above --tls-max', { tlsMin: '1.3', tlsMax: '1.2' }, ['h:1'], /--tls-min is above --tls-max/],
    ['a malformed --timeout', { timeout: 'soon' }, ['h:1'], /--timeout "soon" is not a duration/],
  ];
  for (const [what, raw, args, message] of usage) {
    test(`when ${what} is given then it is a usage error with a hint`, () => {
      assert.throws(() => probeOptions({ ...base, ...raw }, args, path), (e: MtlsError) => e.exitCode === 2 && message.test(e.message) && Boolean(e.hint));
    });
  }
});
