/** `mtlsctl manifest new|check|from-k8s`: thin wrappers over src/manifest/. */
import { resolve } from 'node:path';
import { MtlsError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { manifestFromK8s } from '../../manifest/from-k8s.js';
import { DEFAULT_MANIFEST, displayPath, loadManifest } from '../../manifest/load.js';
import { parseManifest } from '../../manifest/parse.js';
import { missingSecrets, summaryLines, summaryOf } from '../../manifest/summary.js';
import { refuseOverwrite, writeStarterManifest } from '../../manifest/template.js';
import { Reporter } from '../../output/reporter.js';
import type { Io } from '../io.js';
import type { Invocation } from '../program.js';

/** Runs `mtlsctl manifest new`. */
export async function manifestNewCommand(raw: Record<string, unknown>, _inv: Invocation, io: Io): Promise<number> {
  const out = new Reporter(io, raw);
  const path = resolve(io.cwd, String(raw.file));
  const shown = displayPath(path, io.cwd);
  await writeStarterManifest(path, shown, Boolean(raw.force));
  const services = (await loadManifest(path, { cwd: io.cwd })).services.map((s) => s.name);
  if (out.json) out.document('manifest new', { file: path, services });
  else out.result(`Wrote ${shown}, a starter manifest with ${services.length} example services (${services.join(', ')})`);
  const flag = shown === DEFAULT_MANIFEST ? '' : ` -f ${shown}`;
  out.info(`Next: edit ${shown}, then run mtlsctl manifest check${flag} and mtlsctl issue${flag}`);
  return 0;
}

/** Runs `mtlsctl manifest check`. */
export async function manifestCheckCommand(raw: Record<string, unknown>, _inv: Invocation, io: Io): Promise<number> {
  const out = new Reporter(io, raw);
  const manifest = await loadManifest(String(raw.file), { cwd: io.cwd });
  for (const warning of await missingSecrets(manifest, io.env)) out.warn(warning);
  if (out.json) out.document('manifest check', summaryOf(manifest));
  else out.result(summaryLines(manifest, displayPath(manifest.file, io.cwd), io.cwd).join('\n'));
  return 0;
}

/** Runs `mtlsctl manifest from-k8s`. */
export async function manifestFromK8sCommand(raw: Record<string, unknown>, inv: Invocation, io: Io): Promise<number> {
  const out = new Reporter(io, raw);
  const files = (inv.args.length > 0 ? inv.args : (raw.files as string[])).map(String);
  const target = raw.output === undefined ? undefined : resolve(io.cwd, String(raw.output));
  const shown = target && displayPath(target, io.cwd);
  if (target) await refuseOverwrite(target, shown!, Boolean(raw.force), '-o');

  const result = await manifestFromK8s(files, {
    cwd: io.cwd,
    trustDomain: raw.trustDomain === undefined ? undefined : String(raw.trustDomain),
    clusterDomain: String(raw.clusterDomain),
    stdin: io.stdin,
  });
  // The generated text must load like any manifest; what still fails is a
  // combination no single input value shows (a long --cluster-domain).
  try {
    parseManifest(result.text, target ?? resolve(io.cwd, 'mtls.yaml'), '<generated manifest>');
  } catch (error) {
    if (!(error instanceof MtlsError)) throw error;
    throw new MtlsError(error.code, error.exitCode, `the manifest derived from ${files.join(', ')} would not load`, {
      details: error.details,
      hint: 'shorten --cluster-domain, or rename the workloads or namespaces above',
    });
  }

  const { counts } = result;
  const found = [plural(counts.workloads, 'workload'), plural(counts.k8sServices, 'Service'), plural(counts.serviceAccounts, 'ServiceAccount')];
  const skipped = counts.skipped ? `, ${plural(counts.skipped, 'other document')} skipped` : '';
  out.info(`Read ${plural(counts.objects, 'object')}: ${found.join(', ')}${skipped}`);
  for (const warning of result.warnings) out.warn(warning);
  if (target) {
    await writeFileAtomic(target, result.text);
    out.info(`Wrote ${shown} with ${plural(counts.workloads, 'service')}; next: mtlsctl manifest check -f ${shown}`);
  }
  if (out.json) out.document('manifest from-k8s', { file: target ?? null, counts, warnings: result.warnings, manifest: result.manifest });
  else if (!target) out.result(result.text);
  return 0;
}

/** `1 Service`, `2 Services`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
