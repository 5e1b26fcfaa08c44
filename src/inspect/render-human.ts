/**
 * The human report of inspect: each certificate, the chain tree, the
 * verification verdict and the findings, within 80 columns. Colour only
 * adds emphasis; the words carry the meaning.
 */
import type { ChalkInstance } from 'chalk';
import { relativeTime } from '../time/duration.js';
import { isCa, type CertificateInfo } from './describe.js';
import type { TreeNode } from './chain-tree.js';
import type { Finding } from './lint-codes.js';
import type { InspectReport } from './inspect.js';

const WIDTH = 80;
const LABEL = 16;

/** Renders the whole report as text. */
export function inspectText(report: InspectReport, c: ChalkInstance): string {
  const sections = [
    inputsText(report),
    ...report.graph.certs.map((cert, i) => certificateText(cert, i, report, c)),
    chainText(report, c),
    verificationText(report, c),
    keyMatchText(report, c),
    findingsText(report.findings, c),
  ];
  return sections.filter(Boolean).join('\n\n');
}

function inputsText(report: InspectReport): string {
  return report.inputs.map((input) => {
    const count = `${input.certificates} certificate${input.certificates === 1 ? '' : 's'}`;
    if (input.kind !== 'endpoint') return `Input ${input.name}: ${count}`;
    const sni = input.servername ? `, SNI ${input.servername}` : ', no SNI';
    const order = input.chainAsSent ? 'sent' : 'received (order as linked by Node.js, not as sent)';
    return [`Endpoint ${input.name}: ${input.protocol ?? 'TLS'}${sni}, ${count} ${order}`, ...clientAuthLines(input)];
  }).flat().flatMap((line) => wrap(line, '  ')).join('\n');
}

/** The mTLS clue: a server that asks for a client certificate, and whom it trusts. */
function clientAuthLines(input: InspectReport['inputs'][number]): string[] {
  const lines: string[] = [];
  const request = input.clientCertificate;
  if (request?.requested) {
    const names = request.acceptableCaNames;
    const accepts = names.length > 0 ? `accepts: ${names.join('; ')}` : 'no CA names listed';
    lines.push(`  server requests a client certificate (${accepts}); check it with mtlsctl probe`);
  }
  if (input.handshakeError) lines.push(`  the server then refused the connection: ${input.handshakeError}`);
  return lines;
}

function certificateText(cert: CertificateInfo, i: number, report: InspectReport, c: ChalkInstance): string {
  const dup = report.graph.duplicateOf.get(i);
  const head = c.bold(`Certificate ${i + 1}: ${cert.source}`);
  if (dup !== undefined) return `${head}\n${field('same as', report.graph.certs[dup]!.source)}`;
  const left = relativeTime(cert.notAfter, report.at);
  const expired = cert.notAfter < report.at;
  const expiry = expired ? c.red(`expired ${left}`) : cert.notBefore > report.at ? c.red('not valid yet') : `expires ${left}`;
  const bc = cert.basicConstraints;
  const rows: Array<[string, string]> = [
    ['subject', cert.subject],
    ['issuer', cert.selfSigned ? `${cert.issuer} (self-signed)` : cert.issuer],
    ['serial', hexColons(cert.serial)],
    ['not before', dateText(cert.notBefore)],
    ['not after', `${dateText(cert.notAfter)} (${expiry})`],
    ['alt names', sanText(cert)],
    ['public key', keyText(cert)],
    ['signature', cert.signatureAlgorithm],
    ['key usage', cert.keyUsage?.join(', ') ?? '(none)'],
    ['ext key usage', cert.extKeyUsage?.join(', ') ?? '(none: any purpose)'],
    ['basic constr.', bc ? `CA:${bc.ca ? 'TRUE' : 'FALSE'}${bc.pathLength !== null ? `, pathlen:${bc.pathLength}` : ''}${bc.critical ? ' (critical)' : ''}` : '(none)'],
  ];
  const nc = cert.nameConstraints;
  if (nc) rows.push(['name constr.', [...nc.permitted.map((p) => `permit ${p}`), ...nc.excluded.map((e) => `exclude ${e}`)].join(', ')]);
  rows.push(
    ['subject key id', cert.subjectKeyId ? hexColons(cert.subjectKeyId) : '(none)'],
    ['authority key', cert.authorityKeyId ? hexColons(cert.authorityKeyId) : '(none)'],
    ['sha256', cert.fingerprintSha256.slice(0, 47)],
    ['', cert.fingerprintSha256.slice(48)],
  );
  return [head, ...rows.map(([label, value]) => field(label, value))].join('\n');
}

function chainText(report: InspectReport, c: ChalkInstance): string {
  const { graph } = report;
  const lines = [c.bold('Chain (issuer above subject, linked by verified signatures)')];
  const label = (i: number) => {
    const cert = graph.certs[i]!;
    const role = cert.selfSigned ? ' root' : isCa(cert) ? ' CA' : ' leaf';
    return `${cert.subject} [${cert.source}${role ? `,${role}` : ''}]`;
  };
  const walk = (node: TreeNode, prefix: string, tail: string) => {
    lines.push(...wrap(`${prefix}${label(node.index)}`, tail + '   '));
    node.children.forEach((child) => walk(child, `${tail}└─ `, `${tail}   `));
  };
  for (const root of graph.tree) {
    const top = graph.certs[root.index]!;
    if (!top.selfSigned) lines.push(...wrap(`  ${c.dim(`(issuer not in the input: ${top.issuer})`)}`, '    '));
    walk(root, '  ', '  ');
  }
  if (graph.unrelated.length > 0) {
    lines.push(c.bold('Not part of any chain'));
    for (const i of graph.unrelated) lines.push(...wrap(`  ${label(i)}`, '    '));
  }
  return lines.join('\n');
}

function verificationText(report: InspectReport, c: ChalkInstance): string {
  const v = report.verification;
  const names = [report.checks.purpose && `purpose ${report.checks.purpose}`, report.checks.name && `name ${report.checks.name}`, report.checks.ip && `IP ${report.checks.ip}`, report.checks.uri && `URI ${report.checks.uri}`].filter(Boolean).join(', ');
  if (!v.performed) {
    const extra = names ? ` (checked ${names} on the input alone)` : '';
    return wrap(`${c.bold('Verification')}: not performed: no trust bundle (--ca)${extra}`, '  ').join('\n');
  }
  const path = report.path.path.map((p) => p.subject).join(' <- ');
  const head = `${c.bold('Verification')} against ${v.trustSource}${names ? `, ${names}` : ''}`;
  const verdict = v.trusted
    ? c.green(`OK: trusted path ${path}`)
    : c.red(`FAILED at ${v.failure?.code} (${v.failure?.certificate ?? 'input'}): ${v.failure?.message ?? ''}`);
  return [...wrap(head, '  '), ...wrap(`  ${verdict}`, '    ')].join('\n');
}

/** The --key answer, positive too: silence would not confirm a match. */
function keyMatchText(report: InspectReport, c: ChalkInstance): string {
  const k = report.key;
  if (!k) return '';
  const leaf = report.graph.certs[report.graph.leaf]!;
  const text = k.matchesLeaf
    ? c.green(`${k.file} matches the leaf (${leaf.subject})`)
    : k.certificate
      ? c.red(`${k.file} does not match the leaf; it matches ${k.certificate} (${k.subject})`)
      : c.red(`${k.file} matches no certificate in the input`);
  return wrap(`${c.bold('Key')}: ${text}`, '  ').join('\n');
}

function findingsText(findings: Finding[], c: ChalkInstance): string {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const summary = `${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info`;
  if (findings.length === 0) return `${c.bold('Findings')}: none (${summary})`;
  const colour = { error: c.red, warning: c.yellow, info: c.dim } as const;
  const lines = [`${c.bold('Findings')}: ${summary}`];
  for (const f of findings) {
    lines.push(`  ${colour[f.severity](f.severity.padEnd(7))} ${c.bold(f.code)}  ${f.certificate ?? ''}`);
    lines.push(...wrap(`          ${f.message}`, '          '));
    lines.push(...wrap(`          fix: ${f.fix}`, '               '));
  }
  return lines.join('\n');
}

function field(label: string, value: string): string {
  return wrap(`  ${label.padEnd(LABEL)} ${value}`, ' '.repeat(LABEL + 3)).join('\n');
}

/** Wraps a line at spaces (or hard, for long tokens) to WIDTH columns. */
export function wrap(text: string, indent: string): string[] {
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/(?<= )/)) {
    if (line.trim() !== '' && visible(line + word.trimEnd()) > WIDTH) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += word;
    while (visible(line.trimEnd()) > WIDTH && !/\u001b/.test(line)) {
      lines.push(line.slice(0, WIDTH));
      line = indent + line.slice(WIDTH);
    }
  }
  lines.push(line.trimEnd());
  return lines;
}

function hexColons(hex: string): string {
  return (hex.match(/../g) ?? [hex]).join(':');
}

function dateText(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function sanText(cert: CertificateInfo): string {
  const s = cert.subjectAltNames;
  if (!s) return '(none)';
  return [...s.dns.map((d) => `DNS:${d}`), ...s.ip.map((i) => `IP:${i}`), ...s.uri.map((u) => `URI:${u}`), ...s.email.map((e) => `email:${e}`), ...s.other].join(', ') || '(empty)';
}

function keyText(cert: CertificateInfo): string {
  const k = cert.publicKey;
  if (k.curve) return `${k.algorithm} ${k.curve}`;
  return k.bits !== null ? `${k.algorithm} ${k.bits} bits` : k.algorithm;
}
