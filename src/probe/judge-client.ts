/** Server mode's judgement of one client: Node's verification plus local checks. */
import { allowsPurpose, certFacts, isoTime } from './cert-facts.js';
import { checkChain } from './chain-check.js';
import type { DiagnosisCode } from './diagnosis-codes.js';

/** Accepted or not, with the diagnosis code and one sentence of why. */
export interface ClientJudgement {
  accepted: boolean;
  code: DiagnosisCode;
  reason: string;
}

/** Judges a client chain (leaf first) that Node verified against `trust`. */
export function judgeClient(chain: Buffer[], authorizationError: string | undefined, trust: Buffer[], now: Date): ClientJudgement {
  if (chain.length === 0) return { accepted: false, code: 'client-cert-required', reason: 'the client presented no certificate' };
  const leaf = certFacts(chain[0]!);
  const check = checkChain(chain, trust, now);
  if (check.problem === 'expired' || check.problem === 'not-yet-valid') {
    const c = check.culprit!;
    const when = check.problem === 'expired' ? `expired on ${isoTime(c.notAfter)}` : `is not valid before ${isoTime(c.notBefore)}`;
    return { accepted: false, code: 'client-cert-expired', reason: `${c.subject} ${when}` };
  }
  if (check.problem === 'missing-intermediate') {
    return { accepted: false, code: 'client-cert-unknown-ca', reason: `the client sent only its leaf; its issuer ${leaf.issuer} was not sent and is not trusted` };
  }
  if (check.problem) {
    return { accepted: false, code: 'client-cert-unknown-ca', reason: `the chain ends at ${check.culprit?.issuer ?? leaf.issuer}, which is not in the trust bundle` };
  }
  if (!allowsPurpose(leaf, 'clientAuth')) {
    return { accepted: false, code: 'client-cert-wrong-purpose', reason: `${leaf.subject} has no extendedKeyUsage clientAuth` };
  }
  if (authorizationError) return { accepted: false, code: 'client-cert-rejected', reason: `verification failed: ${authorizationError}` };
  return { accepted: true, code: 'ok', reason: `${leaf.subject}, issued by ${leaf.issuer}, verified` };
}
