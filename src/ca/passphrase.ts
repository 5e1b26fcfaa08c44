/** Where CA passphrases come from: a file or an environment variable, never argv. */
import { readFile } from 'node:fs/promises';
import { inputError } from '../errors.js';

/** The environment variable that may hold the CA passphrase. */
export const PASSPHRASE_ENV = 'MTLSCTL_CA_PASSPHRASE';

/**
 * Reads the passphrase from `file` (first line) or the environment.
 * @throws MtlsError FILE_NOT_FOUND when the file cannot be read.
 */
export async function resolvePassphrase(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw inputError(
        'FILE_NOT_FOUND',
        `cannot read passphrase file ${file}: ${code === 'ENOENT' ? 'no such file' : code}`,
        `create it (one line, mode 0600) or set ${PASSPHRASE_ENV} instead`,
      );
    }
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line === '') throw inputError('USAGE_INVALID_VALUE', `passphrase file ${file} is empty`, 'put the passphrase on its first line');
    return line;
  }
  const fromEnv = env[PASSPHRASE_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}
