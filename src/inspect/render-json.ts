/**
 * The --json document of inspect (schemaVersion 1). The shape is documented
 * in README ("inspect --json"); fields are only ever added.
 */
import { relativeTime } from '../time/duration.js';
import type { CertificateInfo } from './describe.js';
import type { TreeNode } from './chain-tree.js';
import type { InspectReport } from './inspect.js';

/** Builds the JSON body (without schemaVersion and command). */
export function inspectJson(report: InspectReport): object {
  const { graph, path, verification, findings } = report;
  const id = (i: number) => graph.certs[i]!.source;
  const tree = (n: TreeNode): object => ({ certificate: id(n.index), children: n.children.map(tree) });
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  return {
    at: report.at.toISOString(),
    inputs: report.inputs,
    certificates: graph.certs.map((c, i) => ({
      ...certificateJson(c, report.at),
      issuedBy: graph.issuers[i]!.map(id),
      duplicateOf: graph.duplicateOf.has(i) ? id(graph.duplicateOf.get(i)!) : null,
    })),
    chain: {
      leaf: id(graph.leaf),
      tree: graph.tree.map(tree),
      unrelated: graph.unrelated.map(id),
      path: path.path.map((c) => c.source),
    },
    verification: {
      performed: verification.performed,
      trustSource: verification.trustSource,
      trusted: verification.trusted,
      anchor: path.anchor?.source ?? null,
      checks: {
        purpose: report.checks.purpose ?? null,
        name: report.checks.name ?? null,
        ip: report.checks.ip ?? null,
        uri: report.checks.uri ?? null,
      },
      failure: verification.failure && {
        code: verification.failure.code,
        certificate: verification.failure.certificate,
        message: verification.failure.message,
      },
    },
    findings,
    key: report.key,
    summary: { errors: count('error'), warnings: count('warning'), infos: count('info'), ok: count('error') === 0 },
  };
}

/** One certificate as JSON: RFC 5280 field names, no key material. */
export function certificateJson(c: CertificateInfo, at: Date): object {
  return {
    id: c.source,
    subject: c.subject,
    issuer: c.issuer,
    serial: c.serial,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    expires: relativeTime(c.notAfter, at),
    daysLeft: Math.floor((c.notAfter.getTime() - at.getTime()) / 86_400_000),
    subjectAltNames: c.subjectAltNames,
    publicKey: c.publicKey,
    signatureAlgorithm: c.signatureAlgorithm,
    keyUsage: c.keyUsage,
    extKeyUsage: c.extKeyUsage,
    basicConstraints: c.basicConstraints,
    nameConstraints: c.nameConstraints,
    subjectKeyIdentifier: c.subjectKeyId,
    authorityKeyIdentifier: c.authorityKeyId,
    fingerprintSha256: c.fingerprintSha256,
    selfSigned: c.selfSigned,
  };
}
