/** `openssl s_client` as a reference view of what a server sends. */
import { decodeOid, readChildren, readElement } from '../../src/pki/der-reader.js';
import { openssl } from './openssl.js';

/** What `openssl s_client` reports about a server's CertificateRequest. */
export interface SClientView {
  /** Lines under "Acceptable client certificate CA names". */
  caNames: string[];
  /** Entries of "Requested Signature Algorithms". */
  signatureAlgorithms: string[];
  noCaNamesSent: boolean;
}

/** Connects with `openssl s_client` and reads what it says about the CertificateRequest. */
export async function sClientView(
  port: number,
  version: '-tls1_2' | '-tls1_3',
): Promise<SClientView> {
  const r = await openssl(
    ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', version],
    { input: '' },
  );
  const lines = r.stdout.split('\n');
  const start = lines.indexOf('Acceptable client certificate CA names');
  const caNames: string[] = [];
  for (let i = start + 1; start >= 0 && i < lines.length && /^[A-Za-z]+ = /.test(lines[i]!); i++)
    caNames.push(lines[i]!);
  const sigalgs = /^Requested Signature Algorithms: (.*)$/m.exec(r.stdout)?.[1] ?? '';
  return {
    caNames,
    signatureAlgorithms: sigalgs ? sigalgs.split(':') : [],
    noCaNamesSent: r.stdout.includes('No client certificate CA names sent'),
  };
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

/** Formats a DER Name as openssl prints it by default ("C = DE, O = Acme, CN = x"). */
export function opensslNameLine(der: Buffer): string {
  return readChildren(readElement(der))
    .map((rdn) =>
      readChildren(rdn)
        .map((atv) => {
          const [type, value] = readChildren(atv);
          const oid = decodeOid(type!.content);
          return `${SHORT_NAMES[oid] ?? oid} = ${value!.content.toString('utf8')}`;
        })
        .join(' + '),
    )
    .join(', ');
}
