/** A short account of a loaded manifest, for `manifest check` and CI logs. */
import { relative } from 'node:path';
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
    `${shown} is valid: ${count}, trust domain ${manifest.trustDomain}, CA ${rel(manifest.caDir)}, output ${rel(manifest.outDir)}`,
    '',
    ...table([['SERVICE', 'NAMESPACE', 'ACCOUNT', 'USAGE', 'KEY', 'TTL/RENEW', 'SANS', 'FORMATS'], ...rows]),
  ];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}
