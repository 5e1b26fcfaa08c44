/** The question `mtlsctl issue` asks on a terminal: the CA passphrase, when none was given. */
import type { Io } from '../io.js';

/** Asks for the passphrase of the encrypted CA key in `caDir`, masked, on stderr. */
export async function askCaPassphrase(caDir: string, io: Io): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  const context = { input: io.stdin, output: io.stderr as NodeJS.WritableStream };
  return password({ message: `Passphrase of the CA key in ${caDir}`, mask: true, validate: (v) => v !== '' || 'type the passphrase' }, context);
}
