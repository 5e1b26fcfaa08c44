/** `mtlsctl init`: options and prompts in, a CA directory out. */
import { resolve } from 'node:path';
import { createCa, type CreatedCa, type CreateCaOptions } from '../../ca/create-ca.js';
import { resolvePassphrase, PASSPHRASE_ENV } from '../../ca/passphrase.js';
import { durationOption } from '../../time/duration.js';
import { canPrompt, type Io } from '../io.js';
import type { Invocation } from '../program.js';
import { Reporter } from '../../output/reporter.js';
import { displayPath } from '../../fs/display-path.js';
import type { KeyType } from '../../pki/key-types.js';

interface InitOptions {
  dir: string;
  name: string;
  organization?: string;
  trustDomain: string;
  keyType: KeyType;
  rootTtl: string;
  intermediateTtl: string;
  intermediate: boolean;
  permitDns: string[];
  permitUri: string[];
  passphraseFile?: string;
  force?: boolean;
}

/** Runs `mtlsctl init`. */
export async function initCommand(raw: Record<string, unknown>, inv: Invocation, io: Io): Promise<number> {
  const opts = raw as unknown as InitOptions;
  const out = new Reporter(io, raw);
  const options: CreateCaOptions = {
    dir: resolve(io.cwd, opts.dir),
    name: opts.name,
    organization: opts.organization,
    trustDomain: opts.trustDomain,
    keyType: opts.keyType,
    rootTtl: durationOption('--root-ttl', opts.rootTtl),
    intermediateTtl: durationOption('--intermediate-ttl', opts.intermediateTtl),
    intermediate: opts.intermediate,
    permitDns: opts.permitDns,
    permitUri: opts.permitUri,
    passphrase: await resolvePassphrase(opts.passphraseFile, io.env),
    force: Boolean(opts.force),
    now: io.now(),
  };
  if (inv.given.size === 0 && canPrompt(io) && !out.json) {
    const { askInitQuestions } = await import('./init-prompts.js');
    Object.assign(options, await askInitQuestions(options, io));
  }
  const ca = await createCa(options);
  if (options.passphrase === undefined) {
    out.warn(`the CA keys are not encrypted; protect them with --passphrase-file or ${PASSPHRASE_ENV}`);
  }
  if (out.json) out.document('init', jsonOf(ca));
  else out.result(humanOf(ca, io.cwd, out));
  out.info('next: mtlsctl manifest new (or manifest from-k8s), then mtlsctl issue');
  return 0;
}

function jsonOf(ca: CreatedCa): object {
  return {
    dir: ca.dir,
    trustDomain: ca.meta.trustDomain,
    keyType: ca.meta.keyType,
    issuer: ca.meta.issuer,
    encrypted: ca.meta.encrypted,
    permitted: ca.meta.permitted,
    root: ca.root,
    intermediate: ca.intermediate ?? null,
    trustBundle: ca.trustBundle,
  };
}

function humanOf(ca: CreatedCa, cwd: string, out: Reporter): string {
  const rel = (p: string) => displayPath(p, cwd);
  const c = out.out;
  const line = (label: string, value: string) => `  ${label.padEnd(16)} ${value}`;
  const lines = [
    c.green(`Created a CA (${ca.meta.keyType}) in ${rel(ca.dir)}`),
    line('root', `${ca.root.subject}, valid until ${ca.root.notAfter.slice(0, 10)}`),
  ];
  if (ca.intermediate) {
    lines.push(line('intermediate', `${ca.intermediate.subject}, valid until ${ca.intermediate.notAfter.slice(0, 10)}, issues service certificates`));
  } else {
    lines.push(line('intermediate', 'none: the root issues service certificates'));
  }
  const { dns, uri } = ca.meta.permitted;
  if (dns.length + uri.length > 0) lines.push(line('constrained to', [...dns, ...uri.map((u) => `URI host ${u}`)].join(', ')));
  lines.push(
    line('trust domain', ca.meta.trustDomain),
    line('trust bundle', rel(ca.trustBundle)),
    line('keys', ca.meta.encrypted ? 'encrypted with the passphrase' : c.yellow('not encrypted')),
  );
  return lines.join('\n');
}
