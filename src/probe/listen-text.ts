/** Human output and exit status of server mode. */
import type { ChalkInstance } from 'chalk';
import { EXIT, type ExitCode } from '../errors.js';
import type { ClientRecord, ListenReport } from './listen.js';

/** One client, printed as soon as it is judged. */
export function renderClient(c: ClientRecord, colour: ChalkInstance): string {
  const tls = [c.protocol, c.cipher].filter(Boolean).join(', ');
  const lines = [`client ${c.remote}  SNI ${c.sni ?? 'none'}${tls ? `  ${tls}` : ''}`];
  if (c.presented.length === 0) lines.push('  presented: nothing');
  else lines.push('  presented:', ...c.presented.map((p, i) => `  ${i}  ${p.subject}\n       issuer ${p.issuer}, valid ${p.notBefore.slice(0, 10)} to ${p.notAfter.slice(0, 10)}`));
  const verdict = c.accepted ? colour.green('accepted') : colour.red('rejected');
  lines.push(`  ${verdict}  ${c.code}: ${c.reason}`);
  return lines.join('\n');
}

/** The closing line: how many clients, how many accepted, why the server stopped. */
export function renderListenSummary(r: ListenReport): string {
  const accepted = r.clients.filter((c) => c.accepted).length;
  const why = r.ended === 'count' ? 'the --count was reached' : 'the timeout passed';
  const cut = r.unfinished ? `; ${r.unfinished} connection(s) without a TLS handshake (port checks?) not counted` : '';
  if (r.clients.length === 0) return r.unfinished ? `no client finished a TLS handshake before the timeout${cut}` : 'no client connected before the timeout';
  return `${r.clients.length} client(s): ${accepted} accepted, ${r.clients.length - accepted} rejected; stopped because ${why}${cut}`;
}

/** 0 when every client was accepted, 1 when any was rejected, 5 when none came. */
export function listenExitCode(r: ListenReport): ExitCode {
  if (r.clients.length === 0) return EXIT.network;
  return r.clients.every((c) => c.accepted) ? EXIT.ok : EXIT.checkFailed;
}
