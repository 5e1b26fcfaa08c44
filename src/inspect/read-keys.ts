/** Reading private keys and client credentials that inspect is given. */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { EXIT, MtlsError } from '../errors.js';
import { BoundedReadError, readBounded } from '../fs/read-bounded.js';
import { isEncryptedKeyPem, loadPrivateKey } from '../pki/keys.js';
import { parsePem } from '../pki/pem.js';
import { PASSPHRASE_ENV } from '../ca/passphrase.js';

/** What may open an encrypted key: the key passphrase, then the PKCS#12 password. */
export interface KeySecrets {
  /** --passphrase-file or MTLSCTL_CA_PASSPHRASE. */
  passphrase?: string;
  /** --password-file or MTLSCTL_P12_PASSWORD: the same key is often exported both ways. */
  password?: string;
}

/**
 * Reads a PEM private key, decrypting it with the first secret that opens it.
 * @throws MtlsError FILE_NOT_FOUND, PEM_UNPARSEABLE, PASSPHRASE_REQUIRED or PASSPHRASE_WRONG.
 */
export async function readKey(file: string, cwd: string, secrets: KeySecrets): Promise<{ key: KeyObject; file: string }> {
  const pem = await readText(file, cwd);
  if (!pem.includes('PRIVATE KEY-----')) {
    throw new MtlsError('PEM_UNPARSEABLE', EXIT.badInput, `${file} holds no PEM private key`, { hint: 'give --key the private key file (PKCS#8, PKCS#1 or SEC1 PEM)' });
  }
  if (!isEncryptedKeyPem(pem)) return { key: loadPrivateKey(pem, file), file };
  const candidates = [secrets.passphrase, secrets.password].filter((p): p is string => p !== undefined);
  if (candidates.length === 0) {
    throw new MtlsError('PASSPHRASE_REQUIRED', EXIT.usage, `${file} is an encrypted key and no passphrase was given`, { hint: `pass --passphrase-file FILE or set ${PASSPHRASE_ENV}` });
  }
  let failure: unknown;
  for (const secret of candidates) {
    try {
      return { key: loadPrivateKey(pem, file, secret), file };
    } catch (error) {
      if ((error as MtlsError).code !== 'PASSPHRASE_WRONG') throw error;
      failure = error;
    }
  }
  throw new MtlsError('PASSPHRASE_WRONG', EXIT.badInput, `the passphrase does not open ${file}`, { hint: `check --passphrase-file or ${PASSPHRASE_ENV}`, cause: failure });
}

async function readText(file: string, cwd: string): Promise<string> {
  try {
    return (await readBounded(resolve(cwd, file))).toString('utf8');
  } catch (cause) {
    const why = cause instanceof BoundedReadError ? cause.why : 'unreadable';
    throw new MtlsError('FILE_NOT_FOUND', EXIT.badInput, `cannot read ${file}: ${why}`, { cause, hint: 'check the path' });
  }
}

/**
 * Reads --cert and --key for a live endpoint and checks that they belong
 * together, so that a wrong file is named here instead of failing inside the
 * TLS library. The key is handed on decrypted, in memory only.
 * @throws MtlsError PEM_UNPARSEABLE when --cert holds no certificate or the pair does not match.
 */
export async function readClientCredentials(certFile: string, keyFile: string, cwd: string, secrets: KeySecrets): Promise<{ cert: string; key: string }> {
  const cert = await readText(certFile, cwd);
  const first = parsePem(cert).find((b) => b.label === 'CERTIFICATE');
  if (!first) {
    throw new MtlsError('PEM_UNPARSEABLE', EXIT.badInput, `--cert ${certFile} holds no PEM certificate`, { hint: 'give --cert the client certificate (or chain) and --key its private key' });
  }
  const { key } = await readKey(keyFile, cwd, secrets);
  let matches: boolean;
  try {
    matches = new X509Certificate(first.der).checkPrivateKey(key);
  } catch {
    matches = false;
  }
  if (!matches) {
    throw new MtlsError('PEM_UNPARSEABLE', EXIT.badInput, `--key ${keyFile} is not the key of the certificate in --cert ${certFile}`, { hint: 'pass the key that belongs to the client certificate' });
  }
  return { cert, key: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
