/** Renders a probe report for a person at 3 a.m.: steps, chains, verdict, then one diagnosis. */
import type { ChalkInstance } from 'chalk';
import type { CertSummary, ProbeReport } from './report.js';
import type { Diagnosis } from './diagnosis-codes.js';
import { formatTarget } from './target.js';
import { errorLine } from './tls-names.js';

const pad = (s: string, n: number) => s.padEnd(n);

/** The human report of a client or --from/--to probe. */
export function renderReport(r: ProbeReport, c: ChalkInstance): string {
  const lines: string[] = [heading(r)];
  lines.push(...steps(r), '');
  if (r.serverChain.length > 0) lines.push(...serverChain(r, c), '');
  const cc = r.clientCertificate;
  if (r.tls.protocol || cc.requested || cc.presented.length > 0) lines.push(...clientSide(r), '');
  // Without a TLS session there is no verdict to show: the failed step above already says why.
  const hasVerdict = r.verdict !== 'not-attempted' && (r.verdict !== 'unknown' || Boolean(r.tls.protocol) || !r.error);
  if (hasVerdict) lines.push(`server verdict  ${verdictText(r)}`, '');
  lines.push(...renderDiagnosis(r.diagnosis, c));
  return lines.join('\n');
}

function heading(r: ProbeReport): string {
  const target = formatTarget(r.target);
  const as = r.target.servername && r.target.servername !== r.target.host ? ` (server name ${r.target.servername})` : '';
  const between = r.services ? `${r.services.from} -> ${r.services.to} on loopback, ` : '';
  return `probe ${between}${target}${as}`;
}

function steps(r: ProbeReport): string[] {
  if (r.verdict === 'not-attempted') return ['  not connected: the local files already show the problem'];
  const detail: Record<string, string> = {
    resolve: r.target.address ?? '',
    connect: '',
    handshake: r.tls.protocol ? [r.tls.protocol, r.tls.cipher, r.tls.alpn ? `ALPN ${r.tls.alpn}` : 'no ALPN'].filter(Boolean).join(', ') : r.error?.code ?? '',
    verdict: r.verdict === 'rejected-alert' && r.alert ? `rejected with alert ${r.alert.name}` : r.verdict === 'unknown' ? 'no answer' : r.verdict,
    http: r.http ? `${r.http.status} ${r.http.statusText}` : 'no response',
  };
  const lines = r.timings.map((t) => `  ${pad(t.step, 10)} ${`${t.ms.toFixed(1)} ms`.padStart(9)}  ${detail[t.step] ?? ''}`.trimEnd());
  if (r.error && !r.timings.some((t) => t.step === 'handshake')) lines.push(`  failed     ${errorLine(r.error)}`);
  return lines;
}

function serverChain(r: ProbeReport, c: ChalkInstance): string[] {
  const v = r.serverVerification;
  const status = v.verified ? c.green('verified') : c.red(`not verified (${v.error ?? 'no chain'})`);
  return [`server chain    ${status}`, ...certLines(r.serverChain)];
}

function clientSide(r: ProbeReport): string[] {
  const cc = r.clientCertificate;
  const lines = [`client cert     ${cc.requested ? 'requested by the server' : 'not requested by the server'}`];
  if (cc.requested) {
    lines.push(cc.acceptableCaNames.length > 0 ? '  server accepts CA names:' : '  server accepts CA names: none listed');
    lines.push(...cc.acceptableCaNames.map((n) => `    ${n}`));
  }
  lines.push(cc.presented.length > 0 ? '  presented:' : '  presented: nothing', ...certLines(cc.presented));
  return lines;
}

function certLines(chain: CertSummary[]): string[] {
  return chain.map((cert, i) => `  ${i}  ${cert.subject}\n       issuer ${cert.issuer}, valid ${cert.notBefore.slice(0, 10)} to ${cert.notAfter.slice(0, 10)}`);
}

/** Why a verdict counts as acceptance, in words. */
const REASONS: Record<string, string> = {
  'server-finished': ' (TLS 1.2: the server finished the handshake after checking the certificate)',
  'close-notify': ' (the server answered close_notify with its own)',
  'tickets-then-close': ' (the server sent session tickets, then closed)',
  'application-data': ' (the server sent application data)',
  'http-response': ' (an HTTP response came back)',
};

function verdictText(r: ProbeReport): string {
  const alert = r.alert ? `alert ${r.alert.name} (${r.alert.description}): ${r.alert.meaning}` : '';
  const http = r.http ? `; HTTP ${r.http.status} ${r.http.statusText}` : '';
  switch (r.verdict) {
    case 'accepted': return refusedOverHttp(r) ? `rejected at the HTTP layer: HTTP ${r.http!.status} ${r.http!.statusText} (TLS itself completed)` : `accepted${REASONS[r.verdictReason ?? ''] ?? ''}${http}`;
    case 'rejected-alert': return `rejected with ${alert}`;
    case 'rejected-close': return 'rejected: the server closed the connection without an alert';
    case 'not-attempted': return 'not asked';
    default: return r.error && !r.error.code.endsWith('TIMEOUT') ? `none (${r.error.code})` : 'none within the timeout';
  }
}

/** nginx finishes TLS and refuses in its HTTP answer: "accepted" would contradict the diagnosis below. */
function refusedOverHttp(r: ProbeReport): boolean {
  return r.http !== undefined && r.http.status >= 400 && r.diagnosis.exitCode !== 0 && r.diagnosis.code !== 'mtls-not-enforced';
}

/** The diagnosis block: one line with code and summary, evidence, then `fix:`. */
export function renderDiagnosis(d: Diagnosis, c: ChalkInstance): string[] {
  const colour = d.code === 'ok' ? c.green : d.code === 'mtls-not-enforced' ? c.yellow : c.red;
  return [
    `${colour.bold(d.code)}: ${d.summary}`,
    ...d.evidence.map((e) => `  - ${e}`),
    `  fix: ${d.hint}`,
  ];
}
