/** `mtlsctl probe`: picks the mode, runs it, prints the report, returns its exit status. */
import { resolve } from 'node:path';
import type { Io } from '../io.js';
import type { Invocation } from '../program.js';
import { Reporter } from '../../output/reporter.js';
import { probeOptions, type ProbeMode } from '../../probe/probe-request.js';
import { probeClient } from '../../probe/run-client.js';
import { probeBetween } from '../../probe/between.js';
import { listenAndJudge } from '../../probe/listen.js';
import { renderReport } from '../../probe/report-text.js';
import { listenExitCode, renderClient, renderListenSummary } from '../../probe/listen-text.js';
import type { ProbeReport } from '../../probe/report.js';

/** Runs `mtlsctl probe`. */
export async function probeCommand(raw: Record<string, unknown>, inv: Invocation, io: Io): Promise<number> {
  const out = new Reporter(io, raw);
  const mode = probeOptions(raw, inv.args, (p) => resolve(io.cwd, p));
  if (mode.kind === 'listen') return listen(mode, out, io);
  const report = mode.kind === 'client'
    ? await probeClient(mode.request, () => io.now())
    : await probeBetween({ ...mode.request, cwd: io.cwd }, () => io.now());
  print(report, out);
  return report.diagnosis.exitCode;
}

function print(report: ProbeReport, out: Reporter): void {
  for (const note of report.observerNotes ?? []) out.detail(`observer: ${note}`);
  if (report.verdictReason) out.detail(`verdict settled by: ${report.verdictReason}`);
  if (out.json) out.document('probe', report);
  else out.result(renderReport(report, out.out));
}

async function listen(mode: Extract<ProbeMode, { kind: 'listen' }>, out: Reporter, io: Io): Promise<number> {
  const report = await listenAndJudge(mode.request, () => io.now(), {
    listening: (a) => out.info(`listening on ${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port} (strict mTLS)`),
    client: (c) => { if (!out.json) out.result(renderClient(c, out.out)); },
  });
  if (out.json) out.document('probe', { mode: 'listen', ...report, exitCode: listenExitCode(report) });
  else out.result(renderListenSummary(report));
  return listenExitCode(report);
}
