/**
 * The issued-certificate record `<caDir>/issued.jsonl`: append-only, one JSON
 * object a line. An `active` line is written when a certificate is issued; a
 * `superseded` line with the same serial when a later one replaces it. The
 * last line for a serial gives its status. Written only under the CA lock.
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CA_FILES } from '../ca/ca-dir.js';
import { writeError } from '../fs/atomic-write.js';

/** A certificate as it was issued. */
export interface ActiveRecord {
  serial: string;
  service: string;
  namespace: string;
  dns: string[];
  ip: string[];
  uri: string[];
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  status: 'active';
}

/** A later line saying a certificate was replaced. */
export interface SupersededRecord {
  serial: string;
  service: string;
  namespace: string;
  status: 'superseded';
  supersededBy: string;
  at: string;
}

export type IssuedRecord = ActiveRecord | SupersededRecord;

/** The record's path in a CA directory. */
export function recordPath(caDir: string): string {
  return join(caDir, CA_FILES.issuedLog);
}

/**
 * Appends lines in one write and fsyncs, so a crash leaves whole lines.
 * @throws MtlsError WRITE_FAILED.
 */
export function appendRecords(caDir: string, records: IssuedRecord[]): void {
  if (records.length === 0) return;
  const path = recordPath(caDir);
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  try {
    const fd = openSync(path, 'a', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (cause) {
    throw writeError(path, cause);
  }
}

/** Reads every line; a torn last line (from a crash) is skipped. */
export function readRecords(caDir: string): IssuedRecord[] {
  let text: string;
  try {
    text = readFileSync(recordPath(caDir), 'utf8');
  } catch {
    return [];
  }
  const out: IssuedRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as IssuedRecord);
    } catch {
      // A line cut short by a crash: the certificate it described was never written in full either.
    }
  }
  return out;
}

/** Folds the record into the current status of each serial. */
export function statusBySerial(records: IssuedRecord[]): Map<string, IssuedRecord['status']> {
  const status = new Map<string, IssuedRecord['status']>();
  for (const r of records) status.set(r.serial, r.status);
  return status;
}
