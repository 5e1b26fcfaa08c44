/**
 * Lint findings about each certificate and about the input as a chain,
 * merged with the path findings into one list without repeats.
 */
import type { KeyObject } from 'node:crypto';
import { relativeTime } from '../time/duration.js';
import { isCa, type CertificateInfo } from './describe.js';
import { inputPath, type ChainGraph } from './chain-tree.js';
import { finding, type Finding } from './lint-codes.js';
import { validity, type PathResult } from './verify-path.js';

/** Limits and extra inputs of the lint run. */
export interface LintOptions {
  at: Date;
  warnWithinMs: number;
  maxValidityMs: number;
  /** A private key to match against the leaf. */
  key?: { key: KeyObject; file: string };
  /** Whether a trust bundle was given (then the path check speaks for the chain's end). */
  anchorsGiven: boolean;
}

const WEAK_HASH = /sha1|md5|md2/i;
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Issuers backdate notBefore a few minutes against clock skew; that much is
 * not counted against --max-validity.
 */
export const BACKDATE_SLACK_MS = 3_600_000;

/**
 * How long before expiry CERT_EXPIRING_SOON fires: --warn-within, but at most
 * the last third of the lifetime, so a fresh short-lived certificate (30
 * days, renewed automatically) is not flagged the moment it is issued.
 */
export function expiryWarningMs(lifetimeMs: number, warnWithinMs: number): number {
  return Math.min(warnWithinMs, lifetimeMs / 3);
}

/** All findings for the input: path steps first, then per certificate, sorted by severity. */
export function lintInput(graph: ChainGraph, path: PathResult, opts: LintOptions): Finding[] {
  const unique = graph.certs.filter((_, i) => !graph.duplicateOf.has(i));
  const all = [
    ...path.findings,
    ...chainFindings(graph, opts),
    ...unique.flatMap((c) => certificateFindings(c, opts)),
    ...keyFindings(graph, opts),
  ];
  const seen = new Set<string>();
  const kept = all.filter((f) => {
    const key = `${f.code}|${f.certificate}|${f.code === 'NAME_MISMATCH' ? f.message : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return kept.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Findings about one certificate on its own. */
export function certificateFindings(cert: CertificateInfo, opts: LintOptions): Finding[] {
  const out = validity(cert, opts.at);
  const left = cert.notAfter.getTime() - opts.at.getTime();
  const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
  if (out.length === 0 && left < expiryWarningMs(lifetime, opts.warnWithinMs)) {
    out.push(finding('CERT_EXPIRING_SOON', cert, `expires ${relativeTime(cert.notAfter, opts.at)} (${cert.notAfter.toISOString()})`));
  }
  const { algorithm, bits } = cert.publicKey;
  if ((algorithm === 'RSA' || algorithm === 'RSA-PSS' || algorithm === 'DSA') && bits !== null && bits < 2048) {
    out.push(finding('KEY_WEAK', cert, `${algorithm} ${bits}-bit key`));
  }
  if (WEAK_HASH.test(cert.signatureAlgorithm) || cert.signatureAlgorithm === '1.2.840.10040.4.3') {
    out.push(finding(cert.selfSigned ? 'ROOT_SIGNATURE_WEAK_HASH' : 'SIGNATURE_WEAK_HASH', cert, `signature algorithm ${cert.signatureAlgorithm}`));
  }
  const san = cert.subjectAltNames;
  const names = san ? san.dns.length + san.ip.length + san.uri.length + san.email.length + san.other.length : 0;
  if (!isCa(cert) && names === 0) out.push(finding('SAN_MISSING', cert, `no subjectAltName; the name is only in the subject (${cert.subject})`));
  if (cert.serialNegative) out.push(finding('SERIAL_NEGATIVE', cert, `serial 0x${cert.serial} has its top bit set`));
  if (cert.serialOctets > 20) out.push(finding('SERIAL_TOO_LONG', cert, `serial is ${cert.serialOctets} octets long`));
  if (!isCa(cert) && lifetime > opts.maxValidityMs + BACKDATE_SLACK_MS) {
    out.push(finding('VALIDITY_TOO_LONG', cert, `valid for ${Math.round(lifetime / 86_400_000)} days; the limit is ${Math.round(opts.maxValidityMs / 86_400_000)}`));
  }
  return out;
}

/** Order, duplicates, roots sent along, unrelated and missing certificates. */
function chainFindings(graph: ChainGraph, opts: LintOptions): Finding[] {
  const out: Finding[] = [];
  const { certs } = graph;
  const fileOf = (i: number) => certs[i]!.source.replace(/#\d+$/, '');
  for (const [dup, first] of graph.duplicateOf) {
    if (fileOf(dup) === fileOf(first)) out.push(finding('CHAIN_DUPLICATE_CERT', certs[dup]!, `same certificate as ${certs[first]!.source}`));
  }
  const path = inputPath(graph);
  const leaf = certs[graph.leaf]!;
  const top = certs[path[path.length - 1]!]!;
  const singleFile = new Set(certs.map((_, i) => fileOf(i))).size === 1;
  const unrelated = new Set(graph.unrelated);
  const related = certs.map((_, i) => i).filter((i) => !graph.duplicateOf.has(i) && !unrelated.has(i));
  const increasing = path.every((p, k) => k === 0 || p > path[k - 1]!);
  if (singleFile && path.length > 1 && (!increasing || graph.leaf !== related[0])) {
    out.push(finding('CHAIN_OUT_OF_ORDER', leaf, `the file holds the path as ${path.map((i) => `#${i + 1}`).join(', ')} (leaf to root); expected ascending`));
  }
  if (path.length > 1 && top.selfSigned && fileOf(path[path.length - 1]!) === fileOf(graph.leaf)) {
    out.push(finding('CHAIN_ROOT_INCLUDED', top, `the self-signed root is part of the chain of ${leaf.subject}`));
  }
  const strayRoots = graph.unrelated.filter((i) => certs[i]!.selfSigned && isCa(certs[i]!));
  const gap = !top.selfSigned;
  const namesake = gap ? certs.findIndex((c) => c !== top && c.parts.subject.equals(top.parts.issuer)) : -1;
  if (namesake >= 0) {
    out.push(finding('SIGNATURE_INVALID', top, `${top.subject} names ${top.issuer} as issuer, but the key of ${certs[namesake]!.source} does not verify its signature`));
  } else if (gap && strayRoots.length > 0) {
    out.push(finding('CHAIN_MISSING_INTERMEDIATE', top, `its issuer ${top.issuer} is missing between it and ${certs[strayRoots[0]!]!.subject}`));
  } else if (gap && !opts.anchorsGiven) {
    out.push(finding('CHAIN_ISSUER_NOT_IN_INPUT', top, `its issuer ${top.issuer} is not in the input, so trust was not checked`));
  }
  for (const i of graph.unrelated) {
    if ((gap && strayRoots.includes(i)) || i === namesake) continue;
    out.push(finding('CHAIN_UNRELATED_CERT', certs[i]!, 'it neither signed nor was signed by any other certificate in the input'));
  }
  return out;
}

/** Which input certificate a private key belongs to: the leaf first, else the first other match. */
export interface KeyMatch {
  file: string;
  matchesLeaf: boolean;
  /** The certificate (`file#n`) the key belongs to, or null when none in the input. */
  certificate: string | null;
  subject: string | null;
}

/** Matches the --key against the leaf, then the other certificates. */
export function matchKey(graph: ChainGraph, key: { key: KeyObject; file: string }): KeyMatch {
  const leaf = graph.certs[graph.leaf]!;
  const owner = safeCheck(leaf, key.key) ? leaf : graph.certs.find((c) => c !== leaf && safeCheck(c, key.key));
  return { file: key.file, matchesLeaf: owner === leaf, certificate: owner?.source ?? null, subject: owner?.subject ?? null };
}

function keyFindings(graph: ChainGraph, opts: LintOptions): Finding[] {
  if (!opts.key) return [];
  const match = matchKey(graph, opts.key);
  if (match.matchesLeaf) return [];
  const also = match.certificate ? `; it is the key of ${match.certificate} (${match.subject})` : '';
  return [finding('KEY_MISMATCH', graph.certs[graph.leaf]!, `${opts.key.file} is not the key of this certificate${also}`)];
}

function safeCheck(cert: CertificateInfo, key: KeyObject): boolean {
  try {
    return cert.x509.checkPrivateKey(key);
  } catch {
    return false;
  }
}
