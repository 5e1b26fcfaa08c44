/** Where CA passphrases come from: a file or an environment variable, never argv. */
import { inputError, usageError } from '../errors.js';
import { BoundedReadError, readBounded } from '../fs/read-bounded.js';

/** The environment variable that may hold the CA passphrase. */
export const PASSPHRASE_ENV = 'MTLSCTL_CA_PASSPHRASE';

/**
 * Reads the passphrase from `file` (first line) or the environment.
 * @throws MtlsError FILE_NOT_FOUND when the file cannot be read, USAGE_INVALID_VALUE when its first line is empty.
 */
export async function resolvePassphrase(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (file !== undefined) {
    let text: string;
    try {
      // A passphrase is one line; the bound keeps /dev/zero or a mistyped log from filling memory.
      text = (await readBounded(file, 64 * 1024)).toString('utf8');
    } catch (cause) {
      throw inputError(
        'FILE_NOT_FOUND',
        `cannot read passphrase file ${file}: ${cause instanceof BoundedReadError ? cause.why : String(cause)}`,
        `create it (one line, mode 0600) or set ${PASSPHRASE_ENV} instead`,
      );
    }
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line === '') throw usageError('USAGE_INVALID_VALUE', `passphrase file ${file} is empty`, 'put the passphrase on its first line');
    return line;
  }
  const fromEnv = env[PASSPHRASE_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}
