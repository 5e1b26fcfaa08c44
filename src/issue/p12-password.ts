/** Where a service's PKCS#12 password comes from: a file or an environment variable, never argv. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { inputError, MtlsError, EXIT } from '../errors.js';
import type { ServiceSpec } from '../manifest/types.js';

/** The fallback environment variable for every service's PKCS#12 password. */
export const P12_PASSWORD_ENV = 'MTLSCTL_P12_PASSWORD';

/**
 * The PKCS#12 password of a service: `p12.passwordFile` (first line, relative
 * to the manifest), else `p12.passwordEnv`, else MTLSCTL_P12_PASSWORD.
 * @throws MtlsError FILE_NOT_FOUND, P12_PASSWORD_REQUIRED.
 */
export function resolveP12Password(spec: ServiceSpec, manifestFile: string, env: NodeJS.ProcessEnv): string {
  const p12 = spec.p12;
  if (p12?.passwordFile !== undefined) {
    const path = resolve(dirname(manifestFile), p12.passwordFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw inputError('FILE_NOT_FOUND', `cannot read the PKCS#12 password file ${path} of ${spec.name}`, 'create it with the password on its first line (mode 0600)');
    }
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line !== '') return line;
    throw new MtlsError('P12_PASSWORD_REQUIRED', EXIT.usage, `the PKCS#12 password file ${path} of ${spec.name} is empty`, { hint: 'put the password on its first line' });
  }
  const fromEnv = (p12?.passwordEnv !== undefined ? env[p12.passwordEnv] : undefined) ?? env[P12_PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const own = p12?.passwordEnv;
  const where = own !== undefined && own !== P12_PASSWORD_ENV ? `${own} or ${P12_PASSWORD_ENV}` : P12_PASSWORD_ENV;
  throw new MtlsError('P12_PASSWORD_REQUIRED', EXIT.usage, `${spec.name} asks for PKCS#12 and no password was given`, {
    hint: `set p12.passwordFile in the manifest, or set ${where}`,
  });
}
