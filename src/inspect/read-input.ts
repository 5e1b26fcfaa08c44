/**
 * Reads inspect's inputs: PEM bundles (any line endings, text around the
 * blocks), DER, PKCS#12, directories and stdin, into DER certificates
 * labelled by where they came from.
 */
import { readdir, stat } from 'node:fs/promises';
import { BoundedReadError, MAX_INPUT_BYTES, readBounded } from '../fs/read-bounded.js';
import { join, resolve } from 'node:path';
import { EXIT, MtlsError, inputError } from '../errors.js';
import { readCertificate } from '../pki/der-reader.js';
import { parsePem } from '../pki/pem.js';
import { looksLikePkcs12, P12_PASSWORD_ENV, readPkcs12Certificates } from './pkcs12.js';

/** One certificate as read, before it is described. */
export interface RawCertificate {
  der: Buffer;
  /** `file#n` (1-based position in its file). */
  source: string;
}

/** How to read inputs. */
export interface ReadOptions {
  cwd: string;
  stdin: NodeJS.ReadableStream;
  /** PKCS#12 password, when one was given. */
  password?: string;
  /** Told about files a directory scan skips (a PKCS#12 file it cannot open). */
  warn?: (message: string) => void;
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const DIR_EXTENSIONS = /\.(pem|crt|cer|cert|der|p12|pfx)$/i;

/**
 * Reads one file, `-` (stdin) or a directory into certificates.
 * @throws MtlsError FILE_NOT_FOUND or PEM_UNPARSEABLE naming the file.
 */
export async function readCertificates(input: string, opts: ReadOptions): Promise<RawCertificate[]> {
  if (input === '-') return decodeCertificates(await readStream(opts.stdin), 'stdin', opts.password);
  const path = resolve(opts.cwd, input);
  const label = shownName(input);
  const info = await stat(path).catch(() => {
    throw inputError('FILE_NOT_FOUND', `cannot read ${label}: no such file or directory`, 'check the path, or give HOST:PORT to inspect a live endpoint');
  });
  if (info.isDirectory()) return readDirectory(path, label, opts);
  return decodeCertificates(await readBytes(path, label), label, opts.password);
}

/**
 * A file name as the report shows it: control characters become `?`, as
 * `ls` shows them, so that a name from a glob cannot reach the terminal raw.
 */
export function shownName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/**
 * Reads the certificate files of a directory. When it holds none but has
 * sub-directories (an `out/` of service directories), it reads those one
 * level down instead; deeper directories are never read.
 */
async function readDirectory(path: string, label: string, opts: ReadOptions): Promise<RawCertificate[]> {
  const entries = await readdir(path, { withFileTypes: true });
  const files = entries.filter((e) => !e.isDirectory() && DIR_EXTENSIONS.test(e.name)).map((e) => e.name).sort();
  let found = await readDirectoryFiles(path, label, files, opts);
  const subdirectories = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (found.length === 0 && subdirectories.length > 0) {
    for (const sub of subdirectories) {
      const names = (await readdir(join(path, sub), { withFileTypes: true }))
        .filter((e) => e.isFile() && DIR_EXTENSIONS.test(e.name)).map((e) => e.name).sort();
      found = found.concat(await readDirectoryFiles(join(path, sub), join(label, shownName(sub)), names, opts));
    }
  }
  if (found.length === 0) {
    const where = subdirectories.length > 0 ? `, nor do its sub-directories ${subdirectories.slice(0, 5).map(shownName).join(', ')}${subdirectories.length > 5 ? ', ...' : ''}` : '';
    throw inputError('PEM_UNPARSEABLE', `${label} holds no certificate files (.pem, .crt, .cer, .der, .p12, .pfx)${where}`, 'name the directory that holds the certificates, or the files themselves');
  }
  return found;
}

async function readDirectoryFiles(path: string, label: string, names: string[], opts: ReadOptions): Promise<RawCertificate[]> {
  const found: RawCertificate[] = [];
  for (const name of names) {
    const file = join(label, shownName(name));
    const bytes = await readBytes(join(path, name), file);
    // A CA or service directory also holds keys and requests: only files
    // that hold certificates count.
    if (isPemWithoutCertificate(bytes)) continue;
    found.push(...(await decodeOrSkip(bytes, file, opts)));
  }
  return found;
}

/** In a directory scan a PKCS#12 file that will not open is skipped, not fatal. */
async function decodeOrSkip(bytes: Buffer, file: string, opts: ReadOptions): Promise<RawCertificate[]> {
  try {
    return await decodeCertificates(bytes, file, opts.password);
  } catch (error) {
    const code = (error as MtlsError).code;
    if (code !== 'PASSPHRASE_REQUIRED' && code !== 'PASSPHRASE_WRONG') throw error;
    const why = code === 'PASSPHRASE_REQUIRED' ? 'it needs a password' : 'the password does not open it';
    opts.warn?.(`skipped ${file}: a PKCS#12 file and ${why} (pass --password-file or set ${P12_PASSWORD_ENV} to read it)`);
    return [];
  }
}

function isPemWithoutCertificate(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  return text.includes('-----BEGIN ') && !/-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/.test(text);
}

async function readBytes(path: string, label: string): Promise<Buffer> {
  try {
    return await readBounded(path);
  } catch (cause) {
    const why = cause instanceof BoundedReadError ? cause.why : 'unreadable';
    throw new MtlsError('FILE_NOT_FOUND', EXIT.badInput, `cannot read ${label}: ${why}`, { cause, hint: 'give a PEM, DER or PKCS#12 file, a directory of them, or - for stdin' });
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    total += bytes.length;
    if (total > MAX_INPUT_BYTES) {
      throw inputError('PEM_UNPARSEABLE', `stdin holds more than ${MAX_INPUT_BYTES / 1024 / 1024} MiB, far more than any certificate bundle`, 'pipe in the certificate file itself');
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * Finds the certificates in a file's bytes: PEM, DER or PKCS#12.
 * @throws MtlsError PEM_UNPARSEABLE saying what the file holds instead.
 */
export async function decodeCertificates(bytes: Buffer, label: string, password?: string): Promise<RawCertificate[]> {
  if (bytes.length === 0 || bytes.toString('latin1').trim() === '') {
    throw inputError('PEM_UNPARSEABLE', `${label} is empty`, 'give a PEM, DER or PKCS#12 file that holds certificates');
  }
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN ')) return fromPem(text, label);
  if (looksLikePkcs12(bytes)) {
    const ders = await readPkcs12Certificates(bytes, label, password);
    if (ders.length === 0) throw inputError('PEM_UNPARSEABLE', `${label} is a PKCS#12 file without certificates`, 'export the keystore again with its certificate chain');
    return ders.map((der, i) => ({ der, source: `${label}#${i + 1}` }));
  }
  if (isDerCertificate(bytes)) return [{ der: bytes, source: label }];
  throw inputError('PEM_UNPARSEABLE', `${label} holds no certificate: it is neither PEM, DER nor PKCS#12`, 'check the file; `file FILE` or `openssl x509 -in FILE -text` tells what it is');
}

function fromPem(text: string, label: string): RawCertificate[] {
  const blocks = parsePem(text);
  const begins = (text.match(/-----BEGIN [A-Z0-9 ]+-----/g) ?? []).length;
  if (blocks.length < begins) {
    throw inputError('PEM_UNPARSEABLE', `${label} has a PEM block without its END line (truncated file?)`, 'copy the file again in full, from BEGIN to END');
  }
  const certs = blocks.filter((b) => CERT_LABELS.has(b.label));
  if (blocks.length === 0) {
    throw inputError('PEM_UNPARSEABLE', `${label} holds no complete PEM block (a BEGIN line without its dashes or label?)`, 'copy the file again in full, from BEGIN to END');
  }
  if (certs.length === 0) {
    const labels = [...new Set(blocks.map((b) => b.label))].join(', ');
    const hint = labels.includes('PRIVATE KEY') ? 'to check that a key matches a certificate, pass it with --key' : otherPemHint(labels, label);
    throw inputError('PEM_UNPARSEABLE', `${label} holds no certificate, only ${labels}`, hint);
  }
  return certs.map((b, i) => {
    // TRUSTED CERTIFICATE appends OpenSSL trust settings after the certificate.
    const der = b.label === 'TRUSTED CERTIFICATE' ? firstElement(b.der) : b.der;
    if (!isDerCertificate(der)) {
      throw inputError('PEM_UNPARSEABLE', `${label}: the certificate at line ${b.line} is damaged (truncated or edited)`, 'copy the file again in full');
    }
    return { der, source: certs.length > 1 ? `${label}#${i + 1}` : label };
  });
}

/** The next step for a PEM file that holds something other than certificates. */
function otherPemHint(labels: string, file: string): string {
  if (labels.includes('CRL')) return `a CRL lists revoked serials; read it with: openssl crl -in ${file} -noout -text`;
  if (labels.includes('PKCS7')) return `take the certificates out first: openssl pkcs7 -print_certs -in ${file} -out chain.pem`;
  if (labels.includes('CERTIFICATE REQUEST')) return `a request is not signed yet; read it with: openssl req -in ${file} -noout -text`;
  return 'give a file with -----BEGIN CERTIFICATE----- blocks';
}

function firstElement(der: Buffer): Buffer {
  return der.length > 2 ? der.subarray(0, elementLength(der)) : der;
}

function elementLength(der: Buffer): number {
  const n = der[1]! & 0x80 ? der[1]! & 0x7f : 0;
  let length = n === 0 ? der[1]! : 0;
  for (let i = 0; i < n; i++) length = length * 256 + der[2 + i]!;
  return 2 + n + length;
}

function isDerCertificate(der: Buffer): boolean {
  try {
    readCertificate(der);
    return elementLength(der) === der.length;
  } catch {
    return false;
  }
}
