/**
 * A small DER reader: enough to walk certificates and TLS structures by
 * position without a full ASN.1 library (the fast paths of issue and probe).
 */

/** One decoded tag-length-value element, pointing into its source buffer. */
export interface DerElement {
  tag: number;
  /** Offset of the tag octet in the source. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
  /** The content octets. */
  content: Buffer;
  /** The whole element, tag and length included. */
  raw: Buffer;
}

/**
 * Reads the element that starts at `offset`.
 * @throws RangeError when the bytes are not well-formed definite-length DER.
 */
export function readElement(buf: Buffer, offset = 0): DerElement {
  if (offset + 2 > buf.length) throw new RangeError('truncated DER element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new RangeError('multi-octet DER tags are not supported');
  let length = buf[offset + 1]!;
  let cursor = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new RangeError('unsupported DER length');
    if (cursor + count > buf.length) throw new RangeError('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[cursor + i]!;
    cursor += count;
  }
  const end = cursor + length;
  if (end > buf.length) throw new RangeError('DER element runs past the end of its data');
  return {
    tag,
    start: offset,
    contentStart: cursor,
    end,
    content: buf.subarray(cursor, end),
    raw: buf.subarray(offset, end),
  };
}

/** Decodes the children of a constructed element. */
export function readChildren(element: DerElement | Buffer): DerElement[] {
  const content = Buffer.isBuffer(element) ? element : element.content;
  const children: DerElement[] = [];
  for (let offset = 0; offset < content.length; ) {
    const child = readElement(content, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** Decodes an OBJECT IDENTIFIER's content octets into dotted notation. */
export function decodeOid(content: Buffer): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of content) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}

/** The parts of a certificate that issuing and matching need, as raw DER. */
export interface CertificateParts {
  tbs: DerElement;
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfo: Buffer;
  /** Extension values by OID: the extnValue OCTET STRING content. */
  extensions: Map<string, { critical: boolean; value: Buffer }>;
  signatureAlgorithm: string;
}

/**
 * Splits a DER certificate into its raw parts (RFC 5280 4.1).
 * @throws RangeError when the structure is not a certificate.
 */
export function readCertificate(der: Buffer): CertificateParts {
  const cert = readElement(der);
  const [tbs, sigAlg] = readChildren(cert);
  if (!tbs || !sigAlg || cert.tag !== 0x30) throw new RangeError('not a certificate');
  const fields = readChildren(tbs);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[i++]!;
  i++; // signature AlgorithmIdentifier inside tbsCertificate
  const issuer = fields[i++]!;
  const validity = readChildren(fields[i++]!);
  const subject = fields[i++]!;
  const spki = fields[i++]!;
  const extensions = new Map<string, { critical: boolean; value: Buffer }>();
  for (const field of fields.slice(i)) {
    if (field.tag !== 0xa3) continue;
    for (const ext of readChildren(readElement(field.content))) {
      const parts = readChildren(ext);
      const critical = parts.length === 3 && parts[1]!.content[0] === 0xff;
      extensions.set(decodeOid(parts[0]!.content), {
        critical,
        value: parts[parts.length - 1]!.content,
      });
    }
  }
  return {
    tbs,
    serial: serial.content,
    issuer: issuer.raw,
    subject: subject.raw,
    notBefore: decodeTime(validity[0]!),
    notAfter: decodeTime(validity[1]!),
    subjectPublicKeyInfo: spki.raw,
    extensions,
    signatureAlgorithm: decodeOid(readChildren(sigAlg)[0]!.content),
  };
}

/** Decodes UTCTime (0x17) or GeneralizedTime (0x18) in the forms RFC 5280 allows. */
export function decodeTime(element: DerElement): Date {
  let text = element.content.toString('ascii');
  if (element.tag === 0x17) {
    const yy = Number(text.slice(0, 2));
    text = (yy >= 50 ? '19' : '20') + text;
  }
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(text);
  if (!m) throw new RangeError(`unsupported time ${text}`);
  return new Date(
    Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)),
  );
}
