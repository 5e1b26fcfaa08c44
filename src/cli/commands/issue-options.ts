/** Options and help of `mtlsctl issue`; the action lives in issue.ts. */
import type { Command } from 'commander';
import { EXIT_CODES_HELP, examplesHelp } from '../help.js';
import type { ActionFactory } from '../program.js';

/** Adds `issue` to the program. */
export function registerIssue(program: Command, action: ActionFactory): void {
  program
    .command('issue')
    .description('give every service in the manifest its key and certificate; renew and reissue only what changed')
    .option('-f, --file <file>', 'manifest file', 'mtls.yaml')
    .option('--only <names>', 'only these services (comma-separated)')
    .option('--dry-run', 'print the plan and write nothing')
    .option('--force', 'reissue every selected service even when nothing changed')
    .option('--passphrase-file <file>', 'passphrase of an encrypted CA key (or set MTLSCTL_CA_PASSPHRASE; asked on a terminal)')
    .option('--lock-timeout <duration>', 'how long to wait for another run holding the CA lock', '30s')
    .addHelpText('after', examplesHelp([
      'mtlsctl issue',
      'mtlsctl issue --dry-run',
      'mtlsctl issue --only frontend,checkoutservice --force',
      'mtlsctl issue -f k8s/mtls.yaml --json > issued.json',
    ]) + EXIT_CODES_HELP + `

Files per service, in <outDir>/<service>/: cert.pem (the leaf), key.pem
(PKCS#8, mode 0600), chain.pem (leaf then intermediate), ca.pem (the root),
and <service>.p12 when the manifest asks for p12 (password from
p12.passwordFile, p12.passwordEnv or MTLSCTL_P12_PASSWORD).
`)
    .action(action(async () => (await import('./issue.js')).issueCommand));
}
