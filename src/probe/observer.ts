/** The one door to the handshake observer, loaded only when a probe runs. */
import type { HandshakeObservation, ObserveOptions } from './types.js';

type ObserveFn = (options: ObserveOptions) => Promise<HandshakeObservation>;

// TODO: observe.ts lands from branch probe-tls; until then a specifier in a variable keeps tsc from requiring it, and probes fail with INTERNAL.
const OBSERVER = './observe.js';

/** Runs one observed client handshake (src/probe/observe.ts). */
export async function observe(options: ObserveOptions): Promise<HandshakeObservation> {
  const { observeHandshake } = (await import(OBSERVER)) as { observeHandshake: ObserveFn };
  return observeHandshake(options);
}
