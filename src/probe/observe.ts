/**
 * The handshake observer: one client attempt against HOST:PORT, described as
 * raw facts (src/probe/types.ts) for the diagnosis to judge.
 *
 * Technique. Node's TLS API hides the CertificateRequest and reports success
 * in TLS 1.3 before the server has judged the client certificate. So the
 * observer connects a raw TCP socket itself and hands Node a Duplex that
 * wraps it (tap-duplex.ts): every byte passes JavaScript both ways. The tap
 * (handshake-tap.ts) parses the records: TLS 1.2 handshake messages and
 * alerts are in clear; TLS 1.3 records are decrypted with the session's own
 * secrets from the `keylog` event (tls13-keys.ts). At secureConnect a TLS 1.3
 * session is closed with close_notify while the raw socket keeps reading:
 * the server answers with an alert (rejected), its own close_notify or
 * tickets then close (accepted), or a bare close (rejected without alert).
 * With `http`, a GET request is sent instead and its answer recorded.
 *
 * Error codes set in `observation.error.code` (the attempt never throws):
 * - Node's own: ENOTFOUND, EAI_AGAIN (resolution); ECONNREFUSED, EHOSTUNREACH,
 *   ENETUNREACH (connection); ERR_SSL_* and ERR_TLS_* from the handshake;
 *   ERR_OSSL_* when the client certificate, key or CA bundle cannot be loaded.
 * - ETIMEDOUT: resolution or TCP connection took longer than timeoutMs.
 * - NOT_TLS: the peer answered with something that is not TLS (see nonTlsBanner).
 * - HANDSHAKE_TIMEOUT: the TLS handshake did not complete within timeoutMs.
 * - ALERT_RECEIVED: a TLS 1.3 server sent a fatal alert after the handshake.
 * - ECONNRESET (Node's): the server closed before its ServerHello (verdict unknown).
 * - CLOSED_NO_ALERT: after its ServerHello the server closed or reset without any alert.
 * - VERDICT_TIMEOUT: TLS 1.3 handshake done, but no answer to the client certificate in time.
 * - HTTP_TIMEOUT / HTTP_NO_RESPONSE: with `http`, no answer in time / a clean close without one.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Duplex } from 'node:stream';
import { connect, createSecureContext, type SecureContext } from 'node:tls';
import { boundResolver, connectFirst, resolveAll, timedStep } from './net-steps.js';
import { errorOf } from './session-facts.js';
import { runTlsSession } from './tls-session.js';
import type { HandshakeObservation, ObserveOptions } from './types.js';

/**
 * Runs one client handshake and describes everything that happened. Never
 * throws for network or TLS outcomes: they are in `error` and `verdict`.
 */
export async function observeHandshake(options: ObserveOptions): Promise<HandshakeObservation> {
  const servername = options.servername ?? (isIP(options.host) ? undefined : options.host);
  const obs = emptyObservation(options, servername);
  // Built before the clock starts: the first context in a process costs 15-50 ms.
  const context = makeContext(options, obs);
  if (!context) return obs;
  boundResolver(options.timeoutMs);
  await warmUp(context);
  const deadline = performance.now() + options.timeoutMs;

  const addresses = await timedStep(obs, 'resolve', deadline, () => resolveAll(options.host));
  if (!addresses) return obs;

  const raw = await timedStep(obs, 'connect', deadline, () =>
    connectFirst(addresses, options.port, obs),
  );
  if (!raw) return obs;

  await runTlsSession({
    raw,
    options,
    servername,
    secureContext: context,
    observation: obs,
    deadline,
  });
  return obs;
}

/** An observation of an attempt that has not started yet. */
export function emptyObservation(
  options: ObserveOptions,
  servername: string | undefined,
): HandshakeObservation {
  return {
    host: options.host,
    port: options.port,
    servername,
    timings: [],
    serverChain: [],
    certificateRequested: false,
    acceptableCaNames: [],
    signatureAlgorithms: [],
    clientChainSent: [],
    verdict: 'unknown',
  };
}

function makeContext(
  options: ObserveOptions,
  obs: HandshakeObservation,
): SecureContext | undefined {
  try {
    return createSecureContext({
      cert: options.cert,
      key: options.key,
      ca: options.ca,
      minVersion: options.minVersion ?? 'TLSv1.2',
      maxVersion: options.maxVersion ?? 'TLSv1.3',
    });
  } catch (error) {
    obs.error = errorOf(error as Error & { code?: string }, 'ERR_SECURE_CONTEXT');
    obs.verdictReason = 'no-tls';
    return undefined;
  }
}

let warmedUp = false;

/**
 * Lets Node build one ClientHello into a dead-end stream, once per process:
 * the first TLS client pays for lazy module loading and engine set-up,
 * which would otherwise show up as handshake time of the first probe.
 */
async function warmUp(secureContext: SecureContext): Promise<void> {
  if (warmedUp) return;
  warmedUp = true;
  let written: () => void = () => undefined;
  const helloWritten = new Promise<void>((resolve) => (written = resolve));
  const sink = new Duplex({
    read() {},
    write: (_chunk, _encoding, callback) => (written(), callback()),
  });
  const client = connect({
    socket: sink,
    secureContext,
    servername: 'warm-up.invalid',
    rejectUnauthorized: false,
  });
  client.on('error', written);
  client.on('close', written);
  // A safety net only: Node writes the ClientHello within the same tick.
  const safety = setTimeout(written, 1000);
  await helloWritten;
  clearTimeout(safety);
  client.destroy();
  await lookup('localhost').catch(() => undefined);
}
