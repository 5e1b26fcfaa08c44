/**
 * Builds the certification path from the leaf to a trust anchor and runs the
 * RFC 5280 6.1 checks along it, top down, so the first failing step can be
 * named. Without anchors it checks the part of the path the input holds.
 */
import { isCa, type CertificateInfo } from './describe.js';
import { preferByKeyId, signedBy, type ChainGraph } from './chain-tree.js';
import { finding, type Finding } from './lint-codes.js';
import { firstViolation } from './name-constraints.js';

/** What to check the path for. */
export interface PathChecks {
  at: Date;
  purpose?: 'server' | 'client';
  name?: string;
  ip?: string;
  uri?: string;
}

/** The path found and what failed along it. */
export interface PathResult {
  /** Leaf first; ends at the anchor when one was reached. */
  path: CertificateInfo[];
  anchor: CertificateInfo | null;
  /** Findings in the order the steps ran. */
  findings: Finding[];
}

const MAX_DEPTH = 10;
const PURPOSE_EKU = { server: 'serverAuth', client: 'clientAuth' } as const;

/** Builds the path and checks it. With no anchors, trust is not judged. */
export function verifyPath(graph: ChainGraph, anchors: CertificateInfo[], checks: PathChecks): PathResult {
  const leaf = graph.certs[graph.leaf]!;
  const anchorPrints = new Set(anchors.map((a) => a.fingerprintSha256));
  const { path, anchored } = buildPath(leaf, graph, anchors, anchorPrints);
  const findings: Finding[] = [];
  if (anchors.length > 0 && !anchored) findings.push(untrusted(path, graph, anchors));
  findings.push(...checkDownward(path, checks.at));
  findings.push(...checkLeaf(path, checks));
  return { path, anchor: anchored ? path[path.length - 1]! : null, findings };
}

function buildPath(leaf: CertificateInfo, graph: ChainGraph, anchors: CertificateInfo[], anchorPrints: Set<string>) {
  let best = [leaf];
  const walk = (path: CertificateInfo[]): CertificateInfo[] | null => {
    const top = path[path.length - 1]!;
    if (anchorPrints.has(top.fingerprintSha256)) return path;
    if (path.length > best.length) best = path;
    if (path.length >= MAX_DEPTH || top.selfSigned) return null;
    const index = graph.certs.indexOf(top);
    const fromInput = index >= 0 ? graph.issuers[index]!.map((i) => graph.certs[i]!) : [];
    const fromAnchors = preferByKeyId(top, anchors.filter((a) => signedBy(top, a)));
    for (const next of [...fromInput, ...fromAnchors]) {
      if (path.some((c) => c.fingerprintSha256 === next.fingerprintSha256)) continue;
      const found = walk([...path, next]);
      if (found) return found;
    }
    return null;
  };
  const anchoredPath = walk([leaf]);
  return anchoredPath ? { path: anchoredPath, anchored: true } : { path: best, anchored: false };
}

/** Names why no anchor was reached, from the top of the best path. */
function untrusted(path: CertificateInfo[], graph: ChainGraph, anchors: CertificateInfo[]): Finding {
  const top = path[path.length - 1]!;
  if (top.selfSigned) {
    return finding('CHAIN_UNTRUSTED', top, `the path ends at ${top.subject}, which is not in the trust bundle`);
  }
  const namesake = [...graph.certs, ...anchors].find((c) => c !== top && c.parts.subject.equals(top.parts.issuer));
  if (namesake) {
    return finding('SIGNATURE_INVALID', top, `${top.subject} names ${top.issuer} as issuer, but the key of ${namesake.source} does not verify its signature`);
  }
  if (!isCa(top)) {
    return finding('CHAIN_MISSING_INTERMEDIATE', top, `the issuer ${top.issuer} is in neither the chain nor the trust bundle`);
  }
  return finding('CHAIN_UNTRUSTED', top, `the issuer ${top.issuer} of ${top.subject} is not in the trust bundle`);
}

/** Validity, CA flags, path length, key identifiers and name constraints, top down. */
function checkDownward(path: CertificateInfo[], at: Date): Finding[] {
  const out: Finding[] = [];
  for (let i = path.length - 1; i >= 0; i--) {
    const cert = path[i]!;
    out.push(...validity(cert, at));
    if (i === 0) break;
    const child = path[i - 1]!;
    out.push(...issuerChecks(cert, i, path));
    if (child.authorityKeyId !== null && cert.subjectKeyId !== null && child.authorityKeyId !== cert.subjectKeyId) {
      out.push(finding('AKI_NO_MATCHING_ISSUER', child, `its authority key identifier ${child.authorityKeyId} differs from the subject key identifier ${cert.subjectKeyId} of its issuer ${cert.subject}`));
    }
  }
  return out;
}

/** Validity of one certificate at a time. */
export function validity(cert: CertificateInfo, at: Date): Finding[] {
  if (at < cert.notBefore) return [finding('CERT_NOT_YET_VALID', cert, `valid only from ${cert.notBefore.toISOString()}`)];
  if (at > cert.notAfter) return [finding('CERT_EXPIRED', cert, `expired on ${cert.notAfter.toISOString()}`)];
  return [];
}

function issuerChecks(ca: CertificateInfo, position: number, path: CertificateInfo[]): Finding[] {
  const out: Finding[] = [];
  const signed = path[position - 1]!.subject;
  if (!isCa(ca)) out.push(finding('CA_NOT_CA', ca, `it signed ${signed} but is not a CA (basicConstraints CA:TRUE is missing)`));
  if (ca.keyUsage !== null && !ca.keyUsage.includes('keyCertSign')) {
    out.push(finding('CA_MISSING_KEY_CERT_SIGN', ca, `it signed ${signed} but its key usage (${ca.keyUsage.join(', ') || 'none'}) lacks keyCertSign`));
  }
  const below = path.slice(1, position).filter((c) => !c.parts.subject.equals(c.parts.issuer)).length;
  const limit = ca.basicConstraints?.pathLength;
  if (limit !== null && limit !== undefined && below > limit) {
    out.push(finding('PATH_LENGTH_EXCEEDED', ca, `pathLenConstraint ${limit} allows ${limit} CA(s) below it; the path has ${below}`));
  }
  if (ca.nameConstraints) {
    for (const cert of path.slice(0, position)) {
      const bad = cert.subjectAltNames && firstViolation(cert.subjectAltNames, ca.nameConstraints);
      if (bad) out.push(finding('NAME_CONSTRAINT_VIOLATED', cert, `${bad} is outside the name constraints of ${ca.subject} (${[...ca.nameConstraints.permitted.map((p) => `permit ${p}`), ...ca.nameConstraints.excluded.map((e) => `exclude ${e}`)].join(', ')})`));
    }
  }
  return out;
}

/** Purpose (extended key usage along the path) and the names asked for. */
function checkLeaf(path: CertificateInfo[], checks: PathChecks): Finding[] {
  const out: Finding[] = [];
  const leaf = path[0]!;
  if (checks.purpose) {
    const wanted = PURPOSE_EKU[checks.purpose];
    // No extendedKeyUsage means any purpose (RFC 5280 4.2.1.12); a CA's list restricts what it issues.
    const bad = path.find((c) => c.extKeyUsage !== null && !c.extKeyUsage.includes(wanted) && !c.extKeyUsage.includes('anyExtendedKeyUsage'));
    if (bad) out.push(finding('EKU_MISSING_PURPOSE', bad, `purpose ${checks.purpose} needs extKeyUsage ${wanted}; it has ${bad.extKeyUsage!.join(', ') || 'none'}`));
  }
  if (checks.name !== undefined && leaf.x509.checkHost(checks.name, { subject: 'never' }) === undefined) {
    out.push(finding('NAME_MISMATCH', leaf, `DNS name ${checks.name} is not in its subjectAltName (${sanList(leaf)})`));
  }
  if (checks.ip !== undefined && leaf.x509.checkIP(checks.ip) === undefined) {
    out.push(finding('NAME_MISMATCH', leaf, `IP ${checks.ip} is not in its subjectAltName (${sanList(leaf)})`));
  }
  if (checks.uri !== undefined && !(leaf.subjectAltNames?.uri ?? []).includes(checks.uri)) {
    out.push(finding('NAME_MISMATCH', leaf, `URI ${checks.uri} is not in its subjectAltName (${sanList(leaf)})`));
  }
  return out;
}

function sanList(cert: CertificateInfo): string {
  const s = cert.subjectAltNames;
  if (!s) return 'none';
  const all = [...s.dns.map((d) => `DNS:${d}`), ...s.ip.map((i) => `IP:${i}`), ...s.uri.map((u) => `URI:${u}`), ...s.email.map((e) => `email:${e}`)];
  return all.join(', ') || 'none';
}
