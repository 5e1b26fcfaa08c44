/** A short account of a loaded manifest, for `manifest check` and CI logs. */
import { relative } from 'node:path';
import { exists } from '../fs/atomic-write.js';
import { formatDuration } from '../time/duration.js';
import type { Manifest, ServiceSpec } from './types.js';

/** One service as `manifest check --json` reports it (durations as text). */
export interface ServiceSummary extends Omit<ServiceSpec, 'ttl' | 'renewBefore'> {
  ttl: string;
  renewBefore: string;
}

/** The JSON body of `manifest check`. */
export function summaryOf(manifest: Manifest): object {
  const services: ServiceSummary[] = manifest.services.map((s) => ({
    ...s,
    ttl: formatDuration(s.ttl),
    renewBefore: formatDuration(s.renewBefore),
  }));
  return {
    valid: true,
    file: manifest.file,
    trustDomain: manifest.trustDomain,
    clusterDomain: manifest.clusterDomain,
    caDir: manifest.caDir,
    outDir: manifest.outDir,
    services,
  };
}

/** Human lines: a verdict, the settings, then one line per service. */
export function summaryLines(manifest: Manifest, shown: string, cwd: string): string[] {
  const rel = (p: string) => relative(cwd, p) || '.';
  const count = manifest.services.length === 1 ? '1 service' : `${manifest.services.length} services`;
  const rows = manifest.services.map((s) => [
    s.name,
    s.namespace,
    s.serviceAccount,
    s.usage,
    s.keyType,
    `${formatDuration(s.ttl)}/${formatDuration(s.renewBefore)}`,
    String(s.dns.length + s.ip.length + s.uri.length),
    s.formats.join(','),
  ]);
  return [
    `${shown} is valid: ${count}, trust domain ${manifest.trustDomain}${manifest.trustDomainFrom === 'ca' ? ' (the CA\'s)' : ''}, CA ${rel(manifest.caDir)}, output ${rel(manifest.outDir)}`,
    '',
    ...table([['SERVICE', 'NAMESPACE', 'ACCOUNT', 'USAGE', 'KEY', 'TTL/RENEW', 'SANS', 'FORMATS'], ...rows]),
  ];
}

function table(rows: string[][]): string[] {
  // reduce, not Math.max(...rows): spreading 100,000+ rows overflows the call stack.
  const widths = rows[0]!.map((_, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), 0));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

/**
 * Things `issue` will need that are missing now: PKCS#12 password variables
 * that are unset and password files that do not exist. Warnings, not errors,
 * because CI may check a manifest on a machine without the secrets.
 */
export async function missingSecrets(manifest: Manifest, env: NodeJS.ProcessEnv): Promise<string[]> {
  const warnings: string[] = [];
  for (const s of manifest.services) {
    if (!s.p12) continue;
    if (s.p12.passwordEnv !== undefined && !env[s.p12.passwordEnv]) {
      warnings.push(`${s.name}: p12 password variable ${s.p12.passwordEnv} is not set; mtlsctl issue will need it`);
    }
    if (s.p12.passwordFile !== undefined && !(await exists(s.p12.passwordFile))) {
      warnings.push(`${s.name}: p12 password file ${s.p12.passwordFile} does not exist; mtlsctl issue will need it`);
    }
  }
  return warnings;
}
