import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { boundResolver, connectFirst, resolveAll, timedStep } from '../../../src/probe/net-steps.js';
import type { HandshakeObservation } from '../../../src/probe/types.js';
import { emptyObservation } from '../../../src/probe/observe.js';
import { startTcpServer } from '../../helpers/node-servers.js';

function blankObservation(): HandshakeObservation {
  return emptyObservation({ host: 'x', port: 0, timeoutMs: 0 }, undefined);
}

test('when the first address refuses then the next one is tried and recorded', async (t) => {
  const port = await startTcpServer(
    t,
    createServer((socket) => socket.end()),
  );
  const obs = blankObservation();
  const socket = await timedStep(obs, 'connect', performance.now() + 5000, () =>
    connectFirst(['::1', '127.0.0.1'], port, obs),
  );
  assert.ok(socket);
  socket.destroy();
  assert.equal(obs.address, '127.0.0.1');
  assert.equal(obs.error, undefined);
  assert.deepEqual(
    obs.timings.map((s) => s.step),
    ['connect'],
  );
});

test('when a step outlives the deadline then ETIMEDOUT is recorded and the work is cancelled', async () => {
  const obs = blankObservation();
  let cancelled = false;
  const never = () => ({
    promise: new Promise<never>(() => undefined),
    cancel: () => void (cancelled = true),
  });
  const result = await timedStep(obs, 'resolve', performance.now() + 20, never);
  assert.equal(result, undefined);
  assert.equal(obs.error?.code, 'ETIMEDOUT');
  assert.equal(cancelled, true);
});

test('when an IP address is resolved then it resolves to itself', async () => {
  assert.deepEqual(await resolveAll('127.0.0.1').promise, ['127.0.0.1']);
});

test('when the probe bounds the resolver then glibc gets one try of about --timeout, and a user setting wins', () => {
  const env: NodeJS.ProcessEnv = {};
  boundResolver(1500, env);
  assert.equal(env.RES_OPTIONS, 'timeout:2 attempts:1');
  const long: NodeJS.ProcessEnv = {};
  boundResolver(86_400_000, long);
  assert.equal(long.RES_OPTIONS, 'timeout:30 attempts:1');
  const mine: NodeJS.ProcessEnv = { RES_OPTIONS: 'rotate' };
  boundResolver(1000, mine);
  assert.equal(mine.RES_OPTIONS, 'rotate');
});
