/**
 * Builds certificates with the openssl CLI for inspect tests, so chains with
 * defects come from a real, independent tool: roots with `req -x509`,
 * children with `x509 -req -extfile`, and fixed dates through `openssl ca`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openssl } from './openssl.js';

/** Key algorithms for test certificates. */
export type TestKeyAlg = 'ec' | 'rsa:1024' | 'rsa:2048';

/** Knobs for one certificate. */
export interface SslCertOptions {
  /** Extension lines for the extfile (one per line, openssl syntax). */
  ext?: string[];
  key?: TestKeyAlg;
  days?: number;
  /** Digest for the signature: sha256 (default), sha1. */
  md?: string;
  /** Serial for -set_serial (decimal or 0x hex, may be negative). */
  serial?: string;
  /** Fixed dates (YYYYMMDDHHMMSSZ) through `openssl ca`. */
  startDate?: string;
  endDate?: string;
  /** Reuse the key of an existing certificate (same name prefix). */
  reuseKey?: string;
  subject?: string;
}

/** A certificate and key written by openssl. */
export interface SslCert {
  name: string;
  crt: string;
  key: string;
  pem: string;
}

const CA_EXT = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];
const LEAF_EXT = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth,clientAuth', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];

/** Extensions of a normal intermediate CA. */
export const caExt = (...more: string[]) => [...CA_EXT, ...more];
/** Extensions of a normal mTLS leaf for `dns`. */
export const leafExt = (dns: string, ...more: string[]) => [...LEAF_EXT, `subjectAltName=DNS:${dns}`, ...more];

/** A directory of openssl-made certificates. */
export class OpensslPki {
  constructor(readonly dir: string) {}

  /** A self-signed root CA. */
  async root(name: string, opts: SslCertOptions = {}): Promise<SslCert> {
    const c = this.paths(name);
    const ext = (opts.ext ?? CA_EXT.filter((e) => !e.startsWith('authorityKeyIdentifier'))).flatMap((e) => ['-addext', e]);
    await run(['req', '-x509', ...keyArgs(opts, c.key), '-out', c.crt, '-subj', opts.subject ?? `/CN=${name}`, '-days', String(opts.days ?? 3650), `-${opts.md ?? 'sha256'}`, ...ext]);
    return this.load(name);
  }

  /** A certificate signed by `issuer`. */
  async issue(name: string, issuer: SslCert, opts: SslCertOptions = {}): Promise<SslCert> {
    const c = this.paths(name);
    const extFile = join(this.dir, `${name}.ext`);
    await writeFile(extFile, `[v3]\n${(opts.ext ?? leafExt(`${name}.test`)).join('\n')}\n`);
    await run(['req', '-new', ...keyArgs(opts, c.key, this.dir), '-out', c.csr, '-subj', opts.subject ?? `/CN=${name}`]);
    if (opts.startDate || opts.endDate) await this.signWithCa(c, issuer, extFile, opts);
    else {
      await run(['x509', '-req', '-in', c.csr, '-CA', issuer.crt, '-CAkey', issuer.key, '-out', c.crt,
        '-days', String(opts.days ?? 90), `-${opts.md ?? 'sha256'}`, '-extfile', extFile, '-extensions', 'v3',
        ...(opts.serial ? ['-set_serial', opts.serial] : ['-CAcreateserial', '-CAserial', join(this.dir, 'serial.txt')])]);
    }
    return this.load(name);
  }

  /** Writes several certificates into one file, in the order given. */
  async bundle(name: string, certs: SslCert[]): Promise<string> {
    const file = join(this.dir, name);
    await writeFile(file, certs.map((c) => c.pem).join(''));
    return file;
  }

  private async signWithCa(c: ReturnType<OpensslPki['paths']>, issuer: SslCert, extFile: string, opts: SslCertOptions) {
    const db = join(this.dir, `ca-${c.name}`);
    await mkdir(db, { recursive: true });
    await writeFile(join(db, 'index.txt'), '');
    await writeFile(join(db, 'serial'), '1000\n');
    await writeFile(join(db, 'ca.cnf'), [
      '[ca]', 'default_ca = test', '[test]', `dir = ${db}`, 'database = $dir/index.txt', 'new_certs_dir = $dir',
      'serial = $dir/serial', 'default_md = sha256', 'policy = any', 'unique_subject = no', '[any]', 'commonName = supplied', '',
    ].join('\n'));
    await run(['ca', '-batch', '-config', join(db, 'ca.cnf'), '-in', c.csr, '-out', c.crt, '-cert', issuer.crt, '-keyfile', issuer.key,
      '-startdate', opts.startDate ?? '20200101000000Z', '-enddate', opts.endDate ?? '20300101000000Z',
      '-extfile', extFile, '-extensions', 'v3', '-notext']);
  }

  private paths(name: string) {
    return { name, crt: join(this.dir, `${name}.crt`), key: join(this.dir, `${name}.key`), csr: join(this.dir, `${name}.csr`) };
  }

  private async load(name: string): Promise<SslCert> {
    const c = this.paths(name);
    return { name, crt: c.crt, key: c.key, pem: await readFile(c.crt, 'utf8') };
  }
}

function keyArgs(opts: SslCertOptions, keyFile: string, dir?: string): string[] {
  if (opts.reuseKey && dir) return ['-key', join(dir, `${opts.reuseKey}.key`)];
  if (opts.reuseKey) return ['-key', keyFile.replace(/[^/]+\.key$/, `${opts.reuseKey}.key`)];
  const alg = opts.key ?? 'ec';
  const gen = alg === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', alg];
  return [...gen, '-nodes', '-keyout', keyFile];
}

async function run(args: string[]): Promise<void> {
  const r = await openssl(args);
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}
