/** The one door to the handshake observer, loaded only when a probe runs. */
import type { HandshakeObservation, ObserveOptions } from './types.js';

/** Runs one observed client handshake (src/probe/observe.ts). */
export async function observe(options: ObserveOptions): Promise<HandshakeObservation> {
  const { observeHandshake } = await import('./observe.js');
  return observeHandshake(options);
}
