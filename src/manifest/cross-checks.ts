/**
 * Checks that span fields: unique service names, renewBefore shorter than
 * ttl, one password source. They read the raw YAML data so that they still
 * run when other fields are invalid, and skip values that are malformed.
 */
import { formatDuration, parseDuration } from '../time/duration.js';
import type { Problem } from './problems.js';
import type { FieldPath } from './positions.js';

type Fields = Record<string, unknown>;

/** The ttl a service gets when neither it nor `defaults` sets one. */
export const DEFAULT_TTL = '90d';

const isMapLike = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every cross-field problem of a manifest given as plain data. */
export function crossCheck(data: unknown): Problem[] {
  if (!isMapLike(data)) return [];
  const defaults = isMapLike(data.defaults) ? data.defaults : {};
  const services = Array.isArray(data.services) ? data.services : [];
  const problems = [...lifetimeProblems(defaults, {}, ['defaults']), ...passwordProblems(defaults, ['defaults'])];
  const seen = new Map<string, number>();
  services.forEach((service: unknown, i) => {
    if (!isMapLike(service)) return;
    const path = ['services', i];
    if (typeof service.name === 'string') {
      const first = seen.get(service.name);
      if (first === undefined) seen.set(service.name, i);
      else problems.push(duplicate(service.name, first, [...path, 'name']));
    }
    problems.push(...lifetimeProblems(service, defaults, path), ...passwordProblems(service, path));
  });
  return problems;
}

function duplicate(name: string, first: number, path: FieldPath): Problem {
  return {
    path,
    message: `${JSON.stringify(name)} is already the name of services[${first}]; give each service a unique name (each gets its own output folder)`,
  };
}

/** renewBefore must be shorter than ttl, or the certificate is renewed on every run. */
function lifetimeProblems(own: Fields, inherited: Fields, path: FieldPath): Problem[] {
  if (own.ttl === undefined && own.renewBefore === undefined) return [];
  const ttlText = own.ttl ?? inherited.ttl ?? DEFAULT_TTL;
  const renewText = own.renewBefore ?? inherited.renewBefore;
  if (typeof ttlText !== 'string' || typeof renewText !== 'string') return [];
  const ttl = parseDuration(ttlText);
  const renew = parseDuration(renewText);
  if (ttl === undefined || renew === undefined || renew < ttl) return [];
  const field = own.renewBefore !== undefined ? 'renewBefore' : 'ttl';
  return [{
    path: [...path, field],
    message: `renewBefore ${renewText} is not shorter than ttl ${ttlText}, so every run would renew; make renewBefore shorter, e.g. ${formatDuration(Math.floor(ttl / 3 / 1000) * 1000)} (a third of the ttl)`,
  }];
}

function passwordProblems(own: Fields, path: FieldPath): Problem[] {
  const p12 = own.p12;
  if (!isMapLike(p12) || p12.passwordFile === undefined || p12.passwordEnv === undefined) return [];
  return [{
    path: [...path, 'p12', 'passwordEnv'],
    atKey: true,
    message: 'both passwordFile and passwordEnv are set; keep only one password source',
  }];
}
