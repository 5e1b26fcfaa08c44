/** Options and help of `mtlsctl manifest`; the actions live in manifest.ts. */
import type { Command } from 'commander';
import { EXIT_CODES_HELP, examplesHelp } from '../help.js';
import type { ActionFactory } from '../program.js';

/** Adds `manifest new|check|from-k8s` to the program. */
export function registerManifest(program: Command, action: ActionFactory): void {
  const manifest = program
    .command('manifest')
    .description('write, check or derive the manifest that lists your services')
    .addHelpText('after', examplesHelp([
      'mtlsctl manifest new',
      'mtlsctl manifest check -f mtls.yaml',
      'mtlsctl manifest from-k8s k8s/*.yaml -o mtls.yaml',
    ]) + EXIT_CODES_HELP);

  manifest
    .command('new')
    .description('write a commented starter manifest')
    .option('-f, --file <file>', 'manifest to write', 'mtls.yaml')
    .option('--force', 'replace an existing file')
    .addHelpText('after', examplesHelp([
      'mtlsctl manifest new',
      'mtlsctl manifest new -f deploy/mtls.yaml --force',
    ]) + EXIT_CODES_HELP)
    .action(action(async () => (await import('./manifest.js')).manifestNewCommand));

  manifest
    .command('check')
    .description('validate a manifest, list every problem, and summarise the services')
    .option('-f, --file <file>', 'manifest to check', 'mtls.yaml')
    .addHelpText('after', examplesHelp([
      'mtlsctl manifest check',
      'mtlsctl manifest check -f deploy/mtls.yaml --json',
    ]) + EXIT_CODES_HELP)
    .action(action(async () => (await import('./manifest.js')).manifestCheckCommand));

  manifest
    .command('from-k8s')
    .description('derive a manifest from Kubernetes YAML (Deployments, StatefulSets, DaemonSets, Services, ServiceAccounts)')
    .argument('<files...>', 'Kubernetes YAML files, multi-document or List kinds; - reads stdin')
    .option('-o, --output <file>', 'write the manifest to FILE instead of stdout')
    .option('--force', 'replace an existing --output file')
    .option('--trust-domain <domain>', 'SPIFFE trust domain to write into the manifest (default: none, so issue uses the CA\'s)')
    .option('--cluster-domain <domain>', 'cluster DNS domain to write into the manifest', 'cluster.local')
    .addHelpText('after', examplesHelp([
      'mtlsctl manifest from-k8s k8s/*.yaml > mtls.yaml',
      'mtlsctl manifest from-k8s cluster.yaml -o mtls.yaml',
      'mtlsctl manifest from-k8s examples/online-boutique/*.yaml --json',
    ]) + '  (cluster.yaml from: kubectl get deploy,sts,ds,svc,sa -A -o yaml)\n' + EXIT_CODES_HELP)
    .action(action(async () => (await import('./manifest.js')).manifestFromK8sCommand));
}
