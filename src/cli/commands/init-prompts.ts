/** The questions `mtlsctl init` asks on a terminal when given no options. */
import { caNameProblem, trustDomainProblem, type CreateCaOptions } from '../../ca/create-ca.js';
import { KEY_TYPES, type KeyType } from '../../pki/key-types.js';
import type { Io } from '../io.js';

/** Asks for name, trust domain, key type and protection, defaulting to `current`. */
export async function askInitQuestions(current: CreateCaOptions, io: Io): Promise<Partial<CreateCaOptions>> {
  const { input, select, confirm, password } = await import('@inquirer/prompts');
  const context = { input: io.stdin, output: io.stderr as NodeJS.WritableStream };
  // Checked as typed, so a bad answer is asked again instead of failing after the passphrase.
  const name = await input({ message: 'CA name (root common name)', default: current.name, validate: (v) => problemOrTrue(caNameProblem(v, current.intermediate)) }, context);
  const trustDomain = await input({ message: 'Trust domain (SPIFFE)', default: current.trustDomain, validate: (v) => problemOrTrue(trustDomainProblem(v)) }, context);
  const keyType = await select<KeyType>(
    { message: 'Key type', default: current.keyType, choices: KEY_TYPES.map((value) => ({ value })) },
    context,
  );
  let passphrase = current.passphrase;
  if (passphrase === undefined && (await confirm({ message: 'Protect the CA keys with a passphrase?', default: true }, context))) {
    const first = await password({ message: 'Passphrase', mask: true, validate: (v) => v.length >= 8 || 'use at least 8 characters' }, context);
    await password({ message: 'Passphrase again', mask: true, validate: (v) => v === first || 'the passphrases differ' }, context);
    passphrase = first;
  }
  return { name, trustDomain, keyType, passphrase };
}

function problemOrTrue(problem: string | undefined): string | true {
  return problem ?? true;
}
