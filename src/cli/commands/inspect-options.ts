/** Options and help of `mtlsctl inspect`; the action lives in inspect.ts. */
import { Option, type Command } from 'commander';
import { EXIT_CODES_HELP, examplesHelp } from '../help.js';
import type { ActionFactory } from '../program.js';

/** Adds `inspect` to the program. */
export function registerInspect(program: Command, action: ActionFactory): void {
  program
    .command('inspect')
    .description('show, verify and lint certificate chains from files or a live endpoint')
    .argument('<input...>', 'PEM/DER/PKCS#12 file, directory, - for stdin, or HOST:PORT / [v6]:PORT')
    .option('--ca <file>', 'trust bundle to verify against (live endpoints default to the system store)')
    .addOption(new Option('--purpose <purpose>', 'check the extended key usage for this purpose').choices(['server', 'client']))
    .option('--name <dns>', 'check that the leaf carries this DNS name')
    .option('--ip <address>', 'check that the leaf carries this IP address')
    .option('--uri <uri>', 'check that the leaf carries this URI (e.g. a SPIFFE ID)')
    .option('--at <time>', 'check validity at this time (ISO 8601) instead of now')
    .option('--key <file>', 'private key to check against the leaf; with --cert, the client key for HOST:PORT')
    .option('--cert <file>', 'client certificate to present to HOST:PORT (with --key)')
    .option('--servername <name>', 'SNI name to send to HOST:PORT')
    .option('--password-file <file>', 'password of a PKCS#12 file (or set MTLSCTL_P12_PASSWORD)')
    .option('--passphrase-file <file>', 'passphrase of an encrypted --key (or set MTLSCTL_CA_PASSPHRASE)')
    .option('--warn-within <duration>', 'warn about certificates that expire within this time (at most their last third of life)', '30d')
    .option('--max-validity <duration>', 'longest acceptable leaf lifetime', '398d')
    .option('--timeout <duration>', 'connect and handshake timeout for HOST:PORT', '10s')
    .addHelpText('after', examplesHelp([
      'mtlsctl inspect out/web/chain.pem --ca out/web/ca.pem --name web',
      'mtlsctl inspect out/frontend/cert.pem --key out/frontend/key.pem',
      'mtlsctl inspect bundle.p12 --password-file p12.pass',
      'mtlsctl inspect example.com:443 --json',
      'mtlsctl inspect [::1]:8443 --ca ca.pem --cert client.pem --key client.key',
      'cat chain.pem | mtlsctl inspect - --at 2027-01-01T00:00:00Z',
    ]) + EXIT_CODES_HELP + '\n  (inspect exits 1 when an error-level finding exists or verification fails)\n')
    .action(action(async () => (await import('./inspect.js')).inspectCommand));
}
