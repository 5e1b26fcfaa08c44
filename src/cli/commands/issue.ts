/** `mtlsctl issue`: a manifest in, keys and certificates out, a table of what changed. */
import { resolvePassphrase } from '../../ca/passphrase.js';
import { durationOption } from '../../time/duration.js';
import { runIssue } from '../../issue/run.js';
import { issueJson, issueTable, issueWarnings } from '../../output/issue-report.js';
import { startProgress } from '../../output/progress.js';
import { Reporter } from '../../output/reporter.js';
import { usageError } from '../../errors.js';
import { canPrompt, type Io } from '../io.js';
import type { Invocation } from '../program.js';

interface IssueOptions {
  file: string;
  only?: string;
  dryRun?: boolean;
  force?: boolean;
  passphraseFile?: string;
  lockTimeout: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Runs `mtlsctl issue`. */
export async function issueCommand(raw: Record<string, unknown>, _inv: Invocation, io: Io): Promise<number> {
  const opts = raw as unknown as IssueOptions;
  const out = new Reporter(io, raw);
  const lockTimeoutMs = durationOption('--lock-timeout', opts.lockTimeout);
  const { loadManifest } = await import('../../manifest/load.js');
  const manifest = await loadManifest(opts.file, { cwd: io.cwd });
  const showProgress = Boolean(io.stderr.isTTY) && !opts.quiet && !opts.json;
  const progress = showProgress ? startProgress(io.stderr, 'issuing') : undefined;
  const result = await runIssue(manifest, {
    now: io.now(),
    env: io.env,
    force: opts.force,
    only: onlyNames(opts.only),
    dryRun: opts.dryRun,
    passphrase: async (encrypted) => {
      const given = await resolvePassphrase(opts.passphraseFile, io.env);
      if (given !== undefined || !encrypted || !canPrompt(io)) return given;
      return (await import('./issue-prompts.js')).askCaPassphrase(manifest.caDir, io);
    },
    lockTimeoutMs,
    onWait: (owner) => out.info(`waiting for the CA lock held by ${owner ? `pid ${owner.pid}` : 'another run'}...`),
    onProgress: progress?.update,
  }).finally(() => progress?.stop());
  for (const note of result.notes) out.info(`note: ${note}`);
  for (const w of issueWarnings(result)) out.warn(w);
  if (out.json) out.document('issue', issueJson(result, manifest));
  else out.result(issueTable(result, manifest, io.cwd, out.out, Boolean(opts.verbose)));
  return 0;
}

/**
 * The names of --only. An empty list would select every service, the
 * opposite of what `--only "$NAMES"` with an unset variable meant.
 */
function onlyNames(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) {
    throw usageError('USAGE_INVALID_VALUE', `--only ${JSON.stringify(text)} names no service`, 'name one or more services, comma-separated (--only api,web), or leave --only out to issue all');
  }
  return names;
}
