/** Renders an issue run: a table and a summary line, or one JSON document. */
import type { ChalkInstance } from 'chalk';
import type { IssueRunResult } from '../issue/run.js';
import type { Manifest } from '../manifest/types.js';
import { displayPath } from '../fs/display-path.js';

/** One row of the report, for a real run or a dry run. */
interface Row {
  service: string;
  namespace: string;
  action: string;
  reason: string;
  serial: string;
  notBefore?: string;
  notAfter: string;
  clamped: boolean;
  dir: string;
}

const ACTIONS = ['issued', 'renewed', 'reissued', 'unchanged'] as const;
const PLANNED: Record<string, string> = { issue: 'issued', renew: 'renewed', reissue: 'reissued', unchanged: 'unchanged' };

function rowsOf(result: IssueRunResult): Row[] {
  if (result.dryRun) {
    return result.plan.map((p) => ({
      service: p.spec.name, namespace: p.spec.namespace, action: p.action, reason: p.reason,
      serial: p.current?.serial ?? '', notAfter: p.current?.notAfter.toISOString() ?? '', clamped: false, dir: p.paths.dir,
    }));
  }
  const dirs = new Map(result.plan.map((p) => [p.spec.name, p.paths.dir]));
  return result.outcomes.map((o) => ({ ...o, dir: dirs.get(o.service) ?? '' }));
}

/** Counts per action, keyed by the past tense ('issued', ...). */
function summaryOf(result: IssueRunResult): Record<(typeof ACTIONS)[number], number> {
  const counts = { issued: 0, renewed: 0, reissued: 0, unchanged: 0 };
  for (const row of rowsOf(result)) counts[(PLANNED[row.action] ?? row.action) as keyof typeof counts]++;
  return counts;
}

/** Warnings for stderr: the plan's, and every validity cut short at the CA's expiry. */
export function issueWarnings(result: IssueRunResult): string[] {
  const clamped = result.outcomes
    .filter((o) => o.clamped)
    .map((o) => `${o.service}: validity cut to the issuing CA's expiry (${o.notAfter.slice(0, 10)}); renew the CA`);
  return [...result.warnings, ...clamped];
}

/** The --json document body. */
export function issueJson(result: IssueRunResult, manifest: Manifest): object {
  return {
    dryRun: result.dryRun,
    manifest: manifest.file,
    caDir: manifest.caDir,
    outDir: manifest.outDir,
    summary: summaryOf(result),
    services: rowsOf(result),
  };
}

/**
 * The human report: a table of the services that changed (all of them with
 * `verbose`) and a one-line summary, so a no-op run in a Makefile says one line.
 */
export function issueTable(result: IssueRunResult, manifest: Manifest, cwd: string, c: ChalkInstance, verbose = false): string {
  const rows = rowsOf(result).filter((r) => verbose || !r.action.startsWith('unchanged'));
  const width = Math.max(7, ...rows.map((r) => r.service.length));
  const colour = (action: string) => (action.startsWith('unchanged') ? c.dim : action.startsWith('issue') ? c.green : c.yellow);
  const lines = rows.length === 0 ? [] : [c.bold(`${'SERVICE'.padEnd(width)}  ${'ACTION'.padEnd(10)}  ${'EXPIRES'.padEnd(10)}  REASON`)];
  for (const r of rows) {
    lines.push(`${r.service.padEnd(width)}  ${colour(r.action)(r.action.padEnd(10))}  ${(r.notAfter.slice(0, 10) || '-').padEnd(10)}  ${r.reason}`);
  }
  const s = summaryOf(result);
  const rel = (p: string) => displayPath(p, cwd);
  if (lines.length > 0) lines.push('');
  if (result.dryRun) {
    lines.push(`dry run: ${s.issued} to issue, ${s.renewed} to renew, ${s.reissued} to reissue, ${s.unchanged} unchanged; nothing was written`);
  } else {
    lines.push(`${s.issued} issued, ${s.renewed} renewed, ${s.reissued} reissued, ${s.unchanged} unchanged; files in ${rel(manifest.outDir)}/<service>/`);
  }
  return lines.join('\n');
}
