/**
 * The manifest as written, before defaults: one zod schema per level. Objects
 * are strict so that a misspelt key is an error rather than silently ignored.
 */
import { z } from 'zod';
import { KEY_TYPES } from '../pki/key-types.js';
import {
  checkDnsLabel,
  checkDnsName,
  checkDuration,
  checkEnvName,
  checkIp,
  checkPath,
  checkServiceAccount,
  checkTrustDomain,
  checkExtraUri,
} from './rules.js';

/** Usages a service certificate may have. */
export const USAGES = ['server', 'client', 'both'] as const;
/** Output formats; pem is always written. */
export const FORMATS = ['pem', 'p12'] as const;

/** A string that must pass `rule`; the rule's message becomes the issue. */
function text(rule: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const message = rule(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

const p12Schema = z.strictObject({
  passwordFile: text(checkPath).optional(),
  passwordEnv: text(checkEnvName).optional(),
  legacy: z.boolean().optional(),
  friendlyName: z.string().min(1).optional(),
});

/** Fields a service and `defaults` share. */
const sharedFields = {
  namespace: text(checkDnsLabel).optional(),
  serviceAccount: text(checkServiceAccount).optional(),
  usage: z.enum(USAGES).optional(),
  keyType: z.enum(KEY_TYPES).optional(),
  ttl: text(checkDuration).optional(),
  renewBefore: text(checkDuration).optional(),
  formats: z.array(z.enum(FORMATS)).optional(),
  p12: p12Schema.optional(),
};

/** `defaults`: every per-service field except name, dns, ip and uri. */
export const defaultsSchema = z.strictObject(sharedFields);

/** One entry of `services`. */
export const serviceSchema = z.strictObject({
  name: text(checkDnsLabel),
  ...sharedFields,
  dns: z.array(text((v) => checkDnsName(v))).optional(),
  ip: z.array(text(checkIp)).optional(),
  uri: z.array(text(checkExtraUri)).optional(),
});

/** The whole manifest file. */
export const manifestSchema = z.strictObject({
  trustDomain: text(checkTrustDomain).optional(),
  clusterDomain: text((v) => checkDnsName(v, 'cluster domain')).optional(),
  caDir: text(checkPath).optional(),
  outDir: text(checkPath).optional(),
  defaults: defaultsSchema.optional(),
  services: z.array(serviceSchema).min(1),
});

/** The manifest as written and validated, defaults not yet applied. */
export type RawManifest = z.infer<typeof manifestSchema>;
/** One service as written. */
export type RawService = z.infer<typeof serviceSchema>;
/** The `defaults` block as written. */
export type RawDefaults = z.infer<typeof defaultsSchema>;

/** The keys each kind of object allows, for did-you-mean suggestions. */
export const ALLOWED_KEYS = {
  manifest: Object.keys(manifestSchema.shape),
  defaults: Object.keys(defaultsSchema.shape),
  service: Object.keys(serviceSchema.shape),
  p12: Object.keys(p12Schema.shape),
} as const;

/** What each field holds, as the fix for a value of the wrong type. */
export const FIELD_HINTS: Record<string, string> = {
  trustDomain: 'write a SPIFFE trust domain such as cluster.local',
  clusterDomain: 'write a DNS domain such as cluster.local',
  caDir: 'write a directory path such as pki',
  outDir: 'write a directory path such as out',
  defaults: 'write a map of per-service settings, e.g. defaults: { ttl: 90d }',
  services: 'write a list of services, each starting with "- name: <service>"',
  name: 'write a DNS label such as frontend',
  namespace: 'write a DNS label such as default',
  serviceAccount: 'write a service account name such as frontend',
  usage: `write one of ${USAGES.join(', ')}`,
  keyType: `write one of ${KEY_TYPES.join(', ')}`,
  ttl: 'write a duration such as 90d',
  renewBefore: 'write a duration such as 30d',
  formats: 'write a list such as [pem, p12]',
  p12: 'write a map such as { passwordEnv: MTLSCTL_P12_PASSWORD }',
  passwordFile: 'write a file path such as p12.pass',
  passwordEnv: 'write a variable name such as MTLSCTL_P12_PASSWORD',
  legacy: 'write true or false',
  friendlyName: 'write a name such as frontend',
  dns: 'write a list of DNS names such as [shop.example.com]',
  ip: 'write a list of addresses such as [10.0.0.5]',
  uri: 'write a list of URIs such as [https://api.example.com/id]',
};
