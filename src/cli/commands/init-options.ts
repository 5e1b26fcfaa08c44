/** Options and help of `mtlsctl init`; the action lives in init.ts. */
import { Option, type Command } from 'commander';
import { EXIT_CODES_HELP, examplesHelp } from '../help.js';
import { collect, type ActionFactory } from '../program.js';
import { KEY_TYPES } from '../../pki/key-types.js';

/** Adds `init` to the program. */
export function registerInit(program: Command, action: ActionFactory): void {
  program
    .command('init')
    .description('create a root CA and an intermediate CA')
    .option('--dir <dir>', 'CA directory', 'pki')
    .option('--name <cn>', 'root CA common name', 'mtlsctl CA')
    .option('--organization <o>', 'organisation (O) for both CA subjects')
    .option('--trust-domain <domain>', 'SPIFFE trust domain for service identities', 'cluster.local')
    .addOption(new Option('--key-type <type>', 'CA key type').choices(KEY_TYPES).default('ecdsa-p256'))
    .option('--root-ttl <duration>', 'root CA lifetime', '10y')
    .option('--intermediate-ttl <duration>', 'intermediate CA lifetime (never past the root)', '1y')
    .option('--no-intermediate', 'issue service certificates from the root directly')
    .option('--permit-dns <suffix>', 'name constraint on the intermediate (repeatable)', collect, [])
    .option('--permit-uri <uri>', 'URI name constraint on the intermediate (repeatable)', collect, [])
    .option('--passphrase-file <file>', 'encrypt the CA keys with the passphrase in FILE (or set MTLSCTL_CA_PASSPHRASE)')
    .option('--force', 'replace an existing CA in --dir')
    .addHelpText('after', examplesHelp([
      'mtlsctl init',
      'mtlsctl init --dir pki --name "Acme Root CA" --key-type ecdsa-p384',
      'mtlsctl init --passphrase-file ca.pass --permit-dns .svc.cluster.local',
      'mtlsctl init --permit-uri spiffe://cluster.local --force',
    ]) + EXIT_CODES_HELP)
    .action(action(async () => (await import('./init.js')).initCommand));
}
