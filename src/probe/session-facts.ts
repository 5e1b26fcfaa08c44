/**
 * Turns what the tap and Node saw into observation fields: the
 * CertificateRequest facts, the chains, alerts, and printable banners.
 */
import type { PeerCertificate } from 'node:tls';
import type { TapFacts } from './handshake-tap.js';
import type { HandshakeObservation } from './types.js';

/** Observation fields that come from the tap, chains and CertificateRequest included. */
export function describeTap(
  facts: TapFacts,
  fallbackChain: Buffer[],
): Partial<HandshakeObservation> {
  const request = facts.certificateRequest;
  const tls13 = facts.serverHello?.version === 0x0304;
  const fields: Partial<HandshakeObservation> = {
    serverChain: facts.serverChain.length > 0 ? facts.serverChain : fallbackChain,
    serverChainAsSent: facts.serverChain.length > 0,
    certificateRequested: request !== undefined,
    acceptableCaNames: request?.certificateAuthorities ?? [],
    signatureAlgorithms: request?.signatureAlgorithms ?? [],
    clientChainSent: facts.clientChainSent ?? [],
  };
  if (facts.serverHello) fields.serverHelloVersion = versionName(facts.serverHello.version);
  if (request && !tls13) fields.certificateTypes = request.certificateTypes;
  if (request && request.signatureAlgorithmsCert.length > 0)
    fields.signatureAlgorithmsCert = request.signatureAlgorithmsCert;
  const alert = facts.serverAlerts.find((a) => a.description !== 0);
  if (alert) fields.alertReceived = alert;
  if (facts.serverAlerts.some((a) => a.description === 0)) fields.closeNotifyReceived = true;
  if (tls13) fields.sessionTickets = facts.sessionTickets;
  if (facts.helloRetryRequest) fields.helloRetryRequest = true;
  if (facts.clientAlert) fields.alertSent = facts.clientAlert;
  if (facts.problems.length > 0) fields.observerNotes = [...facts.problems];
  return fields;
}

function versionName(version: number): string {
  const names: Record<number, string> = { 0x0304: 'TLSv1.3', 0x0303: 'TLSv1.2', 0x0302: 'TLSv1.1', 0x0301: 'TLSv1' };
  return names[version] ?? `0x${version.toString(16)}`;
}

/** The chain Node verified, leaf first, for when the tap could not read it. */
export function nodeChain(peer: PeerCertificate | undefined): Buffer[] {
  const chain: Buffer[] = [];
  let cert = peer as (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined;
  while (cert?.raw && !chain.some((c) => c.equals(cert!.raw))) {
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** Node's error as a one-line `{ code, message }`, with a fallback code. */
export function errorOf(
  error: Error & { code?: string },
  fallbackCode: string,
): { code: string; message: string } {
  return { code: error.code ?? fallbackCode, message: oneLine(error.message) };
}

/** Known first words of non-TLS services, for a clearer banner. */
const BANNER_START = /(HTTP\/|<!DOCTYPE|<html|SSH-|220[ -]|\+OK|\* OK|-ERR)/i;

/**
 * A printable first line of what a non-TLS peer sent (at most 120
 * characters), starting at a known protocol greeting when there is one.
 */
export function bannerOf(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  const known = BANNER_START.exec(text);
  const from = known ? known.index : 0;
  const line =
    text
      .slice(from)
      .split(/\r?\n/)
      .find((l) => l.trim() !== '') ?? '';
  return line
    .replace(/[^\x20-\x7e]/g, '.')
    .trim()
    .slice(0, 120);
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
