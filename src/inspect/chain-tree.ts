/**
 * Links certificates into issuer relations by real signature verification
 * (and key identifiers to choose between candidates), then arranges them as
 * a tree with the certificates that belong to no path set apart.
 */
import { inputError } from '../errors.js';
import { verifiesWith, type CertificateInfo } from './describe.js';

/** The input certificates and how they relate. */
export interface ChainGraph {
  certs: CertificateInfo[];
  /** Index of the first identical certificate, for each repeated one. */
  duplicateOf: Map<number, number>;
  /** For each input index: indices of other input certificates that signed it. */
  issuers: number[][];
  /** The subject certificate: the first one that signs no other. */
  leaf: number;
  /** Tree roots (indices), each with its children, for display. */
  tree: TreeNode[];
  /** Certificates linked to no other (shown apart). */
  unrelated: number[];
}

/** A certificate and the certificates it signed. */
export interface TreeNode {
  index: number;
  children: TreeNode[];
}

/**
 * True when `issuer` signed `cert`: its key verifies the signature and either
 * the names chain or the key identifiers do (a key reused under another name
 * would otherwise pass).
 */
export function signedBy(cert: CertificateInfo, issuer: CertificateInfo): boolean {
  return mayHaveSigned(cert, issuer) && verifiesWith(cert.x509, issuer.x509);
}

/** True when names or key identifiers link the two: the cheap test before a signature check. */
function mayHaveSigned(cert: CertificateInfo, issuer: CertificateInfo): boolean {
  const named = cert.parts.issuer.equals(issuer.parts.subject);
  return named || (cert.authorityKeyId !== null && cert.authorityKeyId === issuer.subjectKeyId);
}

/**
 * For each certificate, the others whose subject is its issuer name or whose
 * key identifier is its authority key identifier, in input order. Looked up
 * in maps: comparing every pair was quadratic (400 million name comparisons
 * for 20,000 certificates).
 */
function candidateIssuers(certs: CertificateInfo[], unique: number[], duplicateOf: Map<number, number>): number[][] {
  const bySubject = new Map<string, number[]>();
  const byKeyId = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  for (const j of unique) {
    add(bySubject, certs[j]!.parts.subject.toString('hex'), j);
    if (certs[j]!.subjectKeyId !== null) add(byKeyId, certs[j]!.subjectKeyId!, j);
  }
  return certs.map((cert, i) => {
    if (duplicateOf.has(i)) return [];
    const named = bySubject.get(cert.parts.issuer.toString('hex')) ?? [];
    const keyed = cert.authorityKeyId === null ? [] : (byKeyId.get(cert.authorityKeyId) ?? []);
    return [...new Set([...named, ...keyed])].filter((j) => j !== i).sort((a, b) => a - b);
  });
}

/**
 * Signature checks one input may cost. Each takes tens of microseconds; a
 * bundle of hundreds of certificates that all share one issuer name (a
 * hostile or generated file) would otherwise take minutes. Real chains and
 * trust stores need a few hundred.
 */
export const MAX_SIGNATURE_CHECKS = 20_000;

/** @throws MtlsError INPUT_TOO_LARGE when linking the input would cost too many signature checks. */
function refuseSignatureFlood(candidates: number[][]): void {
  const checks = candidates.reduce((sum, c) => sum + c.length, 0);
  if (checks <= MAX_SIGNATURE_CHECKS) return;
  throw inputError(
    'INPUT_TOO_LARGE',
    `the input has ${candidates.length} certificates whose issuer names match each other ${checks} times; checking every signature would take too long`,
    'inspect one chain or bundle at a time, not a generated pile of same-name certificates',
  );
}

/** Orders candidate issuers: the one whose key identifier matches first. */
export function preferByKeyId<T extends CertificateInfo>(cert: CertificateInfo, candidates: T[]): T[] {
  const score = (c: T) => (cert.authorityKeyId !== null && c.subjectKeyId === cert.authorityKeyId ? 0 : 1);
  return [...candidates].sort((a, b) => score(a) - score(b));
}

/** Builds the issuer relations and the display tree of the input. */
export function buildGraph(certs: CertificateInfo[]): ChainGraph {
  const duplicateOf = new Map<number, number>();
  const firstByPrint = new Map<string, number>();
  certs.forEach((c, i) => {
    const first = firstByPrint.get(c.fingerprintSha256);
    if (first === undefined) firstByPrint.set(c.fingerprintSha256, i);
    else duplicateOf.set(i, first);
  });
  const unique = certs.map((_, i) => i).filter((i) => !duplicateOf.has(i));
  const candidates = candidateIssuers(certs, unique, duplicateOf);
  refuseSignatureFlood(candidates);
  const issuers = certs.map((cert, i) => {
    const found = candidates[i]!.filter((j) => verifiesWith(cert.x509, certs[j]!.x509));
    const indexOf = new Map(found.map((j) => [certs[j]!, j]));
    return preferByKeyId(cert, found.map((j) => certs[j]!)).map((c) => indexOf.get(c)!);
  });
  const signsOthers = new Set(issuers.flat());
  const leaf = unique.find((i) => !signsOthers.has(i)) ?? unique[0] ?? 0;
  const { tree, unrelated } = arrange(certs, unique, issuers, leaf);
  return { certs, duplicateOf, issuers, leaf, tree, unrelated };
}

function arrange(certs: CertificateInfo[], unique: number[], issuers: number[][], leaf: number) {
  const parentOf = new Map<number, number>();
  for (const i of unique) {
    const parent = issuers[i]![0];
    if (parent !== undefined && !createsCycle(i, parent, parentOf)) parentOf.set(i, parent);
  }
  // Children by parent, built once: filtering all certificates per node was
  // quadratic, half a minute for a bundle of 20,000 unrelated certificates.
  const childrenOf = new Map<number, number[]>();
  for (const c of unique) {
    const parent = parentOf.get(c);
    if (parent === undefined) continue;
    const siblings = childrenOf.get(parent);
    if (siblings) siblings.push(c);
    else childrenOf.set(parent, [c]);
  }
  const node = (index: number): TreeNode => ({ index, children: (childrenOf.get(index) ?? []).map(node) });
  const roots = unique.filter((i) => !parentOf.has(i)).map(node);
  const linked = roots.filter((r) => r.children.length > 0);
  // A bundle of trust anchors alone relates nothing to nothing: that is not a defect.
  const onlyRoots = linked.length === 0 && unique.every((i) => certs[i]!.selfSigned);
  // The leaf's own chain is never "apart", even when it is the leaf alone.
  const apart = onlyRoots || unique.length < 2 ? [] : roots.filter((r) => r.children.length === 0 && r.index !== leaf).map((r) => r.index);
  const apartSet = new Set(apart);
  return { tree: roots.filter((r) => !apartSet.has(r.index)), unrelated: apart };
}

function createsCycle(child: number, parent: number, parentOf: Map<number, number>): boolean {
  for (let p: number | undefined = parent; p !== undefined; p = parentOf.get(p)) {
    if (p === child) return true;
  }
  return false;
}

/** Input indices from the leaf up through its issuers found in the input. */
export function inputPath(graph: ChainGraph): number[] {
  const path = [graph.leaf];
  for (let next = graph.issuers[graph.leaf]![0]; next !== undefined && !path.includes(next); next = graph.issuers[next]![0]) {
    path.push(next);
  }
  return path;
}
