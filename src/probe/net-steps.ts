/**
 * The steps before TLS: name resolution and the TCP connection, each timed
 * and bounded by the attempt's deadline, failures recorded not thrown.
 */
import { lookup } from 'node:dns/promises';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { errorOf } from './session-facts.js';
import type { HandshakeObservation, StepTiming } from './types.js';

/** Work that can be abandoned when the deadline passes. */
export interface Cancellable<T> {
  promise: Promise<T>;
  cancel: () => void;
}

/**
 * Runs one step against the deadline and records its timing; a failure
 * (ETIMEDOUT when the deadline passes) goes into `obs.error` and yields undefined.
 */
export async function timedStep<T>(
  obs: HandshakeObservation,
  step: StepTiming['step'],
  deadline: number,
  work: () => Cancellable<T>,
): Promise<T | undefined> {
  const start = performance.now();
  const { promise, cancel } = work();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const error = Object.assign(new Error(`${step} did not finish within the timeout`), {
      code: 'ETIMEDOUT',
    });
    timer = setTimeout(() => reject(error), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    cancel();
    obs.error = errorOf(error as Error & { code?: string }, 'ERR_NETWORK');
    obs.verdictReason = 'no-tls';
    return undefined;
  } finally {
    clearTimeout(timer);
    obs.timings.push({ step, ms: Math.round((performance.now() - start) * 1000) / 1000 });
  }
}

/**
 * Bounds the system resolver by the probe's timeout. getaddrinfo cannot be
 * cancelled, and a pending one keeps Node alive: with a silent DNS server the
 * report came at --timeout but the process lived on for glibc's 5 s x 2 tries.
 * glibc reads RES_OPTIONS when a thread first resolves; a value the user set wins.
 */
export function boundResolver(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): void {
  if (env.RES_OPTIONS !== undefined) return;
  env.RES_OPTIONS = `timeout:${Math.min(30, Math.max(1, Math.ceil(timeoutMs / 1000)))} attempts:1`;
}

/** Every address of a host, in the resolver's order (an IP resolves to itself). */
export function resolveAll(host: string): Cancellable<string[]> {
  const promise = lookup(host, { all: true }).then((list) => list.map((entry) => entry.address));
  promise.catch(() => undefined);
  return { promise, cancel: () => undefined };
}

/**
 * Connects to the first address that accepts, in order (`localhost` may
 * resolve to ::1 before 127.0.0.1), with Nagle off. Sets `obs.address` to
 * the address tried last; rejects with the last address's error.
 */
export function connectFirst(
  addresses: string[],
  port: number,
  obs: HandshakeObservation,
): Cancellable<Socket> {
  let current: Socket | undefined;
  let cancelled = false;
  const attempt = async (): Promise<Socket> => {
    let lastError: unknown = new Error('no address to connect to');
    for (const address of addresses) {
      if (cancelled) break;
      obs.address = address;
      current = new Socket();
      try {
        return await connectOne(current, address, port);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  };
  const promise = attempt();
  promise.catch(() => undefined);
  return { promise, cancel: () => ((cancelled = true), current?.destroy()) };
}

function connectOne(socket: Socket, address: string, port: number): Promise<Socket> {
  socket.setNoDelay(true);
  return new Promise<Socket>((resolve, reject) => {
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('connect', () => {
      socket.off('error', fail);
      resolve(socket);
    });
    socket.once('error', fail);
    socket.connect({ host: address, port });
  });
}
