/**
 * A local chain check: does a presented chain lead to one of a set of trust
 * anchors? Probe uses it to name the exact cause behind a peer's refusal.
 */
import { certFacts, issuedBy, validityAt, type CertFacts } from './cert-facts.js';

/** Why a chain is not trusted, in the vocabulary of the diagnosis codes. */
export type ChainProblem =
  | 'expired'
  | 'not-yet-valid'
  | 'self-signed'
  | 'missing-intermediate'
  | 'unknown-ca';

/** The outcome of a local chain check. */
export interface ChainCheck {
  trusted: boolean;
  problem?: ChainProblem;
  /** The certificate the problem is about. */
  culprit?: CertFacts;
  /** Subjects from the leaf up to the anchor (or as far as it got). */
  path: string[];
}

/**
 * Builds a path from `chain[0]` through the rest of `chain` and `anchors`
 * to an anchor, then checks validity of every certificate on it at `now`.
 */
export function checkChain(chain: Buffer[], anchors: Buffer[], now: Date): ChainCheck {
  if (chain.length === 0) return { trusted: false, path: [] };
  const pool = [...chain.slice(1), ...anchors];
  const path: Buffer[] = [chain[0]!];
  for (let depth = 0; depth < 8; depth++) {
    const current = path[path.length - 1]!;
    const anchor = anchors.find((a) => a.equals(current) || issuedBy(current, a));
    if (anchor) {
      if (!anchor.equals(current)) path.push(anchor);
      return withValidity(path, now);
    }
    const next = pool.find((c) => !path.some((p) => p.equals(c)) && issuedBy(current, c));
    if (!next) return untrusted(path, chain.length);
    path.push(next);
  }
  return untrusted(path, chain.length);
}

function withValidity(path: Buffer[], now: Date): ChainCheck {
  const facts = path.map(certFacts);
  const names = facts.map((f) => f.subject);
  for (const f of facts) {
    const v = validityAt(f, now);
    if (v !== 'valid') return { trusted: false, problem: v, culprit: f, path: names };
  }
  return { trusted: true, path: names };
}

function untrusted(path: Buffer[], presented: number): ChainCheck {
  const facts = path.map(certFacts);
  const top = facts[facts.length - 1]!;
  const names = facts.map((f) => f.subject);
  if (facts.length === 1 && top.selfSigned) return { trusted: false, problem: 'self-signed', culprit: top, path: names };
  // A lone leaf whose issuer is a CA we never saw: the intermediate was left out.
  if (presented === 1 && !top.selfSigned) return { trusted: false, problem: 'missing-intermediate', culprit: top, path: names };
  return { trusted: false, problem: 'unknown-ca', culprit: top, path: names };
}
