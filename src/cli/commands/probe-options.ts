/** Options and help of `mtlsctl probe`; the action lives in probe.ts. */
import { Option, type Command } from 'commander';
import { EXIT_CODES_HELP, examplesHelp } from '../help.js';
import type { ActionFactory } from '../program.js';
import { DIAGNOSIS_TABLE, exitCodeOf } from '../../probe/diagnosis-codes.js';

function diagnosisHelp(): string {
  const rows = DIAGNOSIS_TABLE.map(([code, meaning]) => `  ${code.padEnd(26)} ${exitCodeOf(code)}  ${meaning}`);
  return `\nDiagnosis codes (exit status in the middle column):\n${rows.join('\n')}\n`;
}

/** Adds `probe` to the program. */
export function registerProbe(program: Command, action: ActionFactory): void {
  program
    .command('probe')
    .description('run a real mTLS handshake and say why it is rejected')
    .argument('[target]', 'HOST:PORT to connect to ([v6]:port for IPv6)')
    .option('--cert <file>', 'client certificate PEM (chain.pem: leaf then intermediate)')
    .option('--key <file>', 'client private key PEM')
    .option('--ca <file>', 'CA bundle to verify the server with (default: the system store); in --listen mode, the CAs clients must chain to')
    .option('--servername <name>', 'SNI and the name the server certificate must match (default: the host)')
    .addOption(new Option('--tls-min <version>', 'lowest TLS version to offer').choices(['1.2', '1.3']))
    .addOption(new Option('--tls-max <version>', 'highest TLS version to offer').choices(['1.2', '1.3']))
    .option('--timeout <duration>', 'bound on the attempt (default 5s; 30s with --listen)')
    .option('--http [path]', 'send GET PATH after the handshake (servers such as nginx reject only at the HTTP layer)')
    .option('--from <service>', 'probe from this manifest service ...')
    .option('--to <service>', '... to this one, on loopback, with the files mtlsctl issue wrote')
    .option('-f, --file <manifest>', 'manifest for --from/--to', 'mtls.yaml')
    .option('--listen <address>', 'serve as a strict mTLS server on HOST:PORT and judge each client')
    .option('--count <n>', 'with --listen: stop after N clients')
    .addHelpText('after', examplesHelp([
      'mtlsctl probe payments.internal:8443 --cert out/frontend/chain.pem --key out/frontend/key.pem --ca out/frontend/ca.pem',
      'mtlsctl probe 10.0.0.7:443 --servername api.internal --http /healthz --ca pki/trust-bundle.crt --json',
      'mtlsctl probe --from frontend --to checkoutservice -f mtls.yaml',
      'mtlsctl probe --listen 127.0.0.1:8443 --cert server.pem --key server.key --ca trust-bundle.crt --count 1',
    ]) + diagnosisHelp() + EXIT_CODES_HELP)
    .action(action(async () => (await import('./probe.js')).probeCommand));
}
