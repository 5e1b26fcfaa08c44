/**
 * Certificates out of a PKCS#12 (PFX) file. node-forge opens the container
 * (MAC, PBES2/AES as OpenSSL 3 writes it, legacy 3DES/RC2); the certificate
 * bags' DER goes to our own parser because forge cannot read ECDSA or Ed25519
 * certificates.
 */
import { EXIT, MtlsError } from '../errors.js';

/** Environment variable holding the PKCS#12 password. */
export const P12_PASSWORD_ENV = 'MTLSCTL_P12_PASSWORD';

/** True when the bytes look like a PFX: SEQUENCE { INTEGER 3, ... }. */
export function looksLikePkcs12(bytes: Buffer): boolean {
  if (bytes[0] !== 0x30) return false;
  const lengthOctets = bytes[1]! & 0x80 ? (bytes[1]! & 0x7f) + 2 : 2;
  return bytes[lengthOctets] === 0x02 && bytes[lengthOctets + 1] === 0x01 && bytes[lengthOctets + 2] === 0x03;
}

/**
 * Returns the DER of every certificate bag in a PKCS#12 file, in file order.
 * An empty password is tried when none is given, as OpenSSL does.
 * @throws MtlsError PASSPHRASE_REQUIRED, PASSPHRASE_WRONG or PEM_UNPARSEABLE.
 */
export async function readPkcs12Certificates(bytes: Buffer, file: string, password: string | undefined): Promise<Buffer[]> {
  const forge = (await import('node-forge')).default;
  let asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
  } catch (cause) {
    throw new MtlsError('PEM_UNPARSEABLE', EXIT.badInput, `${file} is not a readable PKCS#12 file (truncated or damaged?)`, { cause, hint: 'copy or export the file again in full' });
  }
  refuseCostlyMac(asn1 as unknown as AsnNode, file);
  const original = forge.pki.certificateFromAsn1;
  // forge keeps the raw ASN.1 of a bag whose certificate it cannot decode;
  // refusing every decode makes it keep them all, byte for byte.
  forge.pki.certificateFromAsn1 = () => {
    throw new Error('decoded by mtlsctl instead');
  };
  try {
    const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
    const bags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
    return bags.flatMap((bag) => (bag.asn1 ? [Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary')] : []));
  } catch (cause) {
    throw passwordError(cause, file, password);
  } finally {
    forge.pki.certificateFromAsn1 = original;
  }
}

/**
 * Key-derivation rounds a PKCS#12 MAC may ask for. OpenSSL writes 2048, Java
 * and .NET fewer; node-forge runs about 300,000 a second, so a crafted
 * 2,147,483,647 would keep inspect busy for hours.
 */
export const MAX_MAC_ITERATIONS = 1_000_000;

interface AsnNode {
  value: AsnNode[] | string;
}

/** @throws MtlsError INPUT_TOO_LARGE when the MAC asks for more rounds than MAX_MAC_ITERATIONS. */
function refuseCostlyMac(pfx: AsnNode, file: string): void {
  // PFX ::= SEQUENCE { version, authSafe, macData MacData OPTIONAL }
  // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
  const macData = Array.isArray(pfx.value) ? pfx.value[2] : undefined;
  const iterations = macData && Array.isArray(macData.value) ? macData.value[2] : undefined;
  if (!iterations || typeof iterations.value !== 'string') return;
  let count = 0;
  for (const ch of iterations.value) count = count * 256 + ch.charCodeAt(0);
  if (count <= MAX_MAC_ITERATIONS) return;
  throw new MtlsError('INPUT_TOO_LARGE', EXIT.badInput, `${file} asks for ${count} key-derivation rounds for its MAC; mtlsctl stops at ${MAX_MAC_ITERATIONS}`, {
    hint: 'export the keystore again with a usual iteration count (OpenSSL uses 2048)',
  });
}

function passwordError(cause: unknown, file: string, password: string | undefined): MtlsError {
  const message = String((cause as Error)?.message ?? cause);
  if (/MAC could not be verified|Invalid password/i.test(message)) {
    if (password === undefined) {
      return new MtlsError('PASSPHRASE_REQUIRED', EXIT.usage, `${file} is a PKCS#12 file protected by a password`, {
        hint: `pass --password-file FILE or set ${P12_PASSWORD_ENV}`,
        cause,
      });
    }
    return new MtlsError('PASSPHRASE_WRONG', EXIT.badInput, `the password does not open ${file}`, {
      hint: `check --password-file or ${P12_PASSWORD_ENV}`,
      cause,
    });
  }
  return new MtlsError('PEM_UNPARSEABLE', EXIT.badInput, `${file} is a PKCS#12 file mtlsctl cannot open: ${message}`, {
    hint: 'convert it with `openssl pkcs12 -in FILE -nokeys -out chain.pem` and inspect the PEM',
    cause,
  });
}
