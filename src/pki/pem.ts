/** PEM encoding and decoding (RFC 7468), tolerant of CRLF and surrounding text. */

/** One PEM block found in a text, with the 1-based line it starts on. */
export interface PemBlock {
  label: string;
  der: Buffer;
  line: number;
}

/** Encodes DER as a PEM block with 64-column lines. */
export function toPem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Finds every complete PEM block in a text, in order. */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = match[2]!.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    const line = text.slice(0, match.index).split('\n').length;
    blocks.push({ label: match[1]!, der: Buffer.from(body, 'base64'), line });
  }
  return blocks;
}

/** True when the text holds a PEM header, complete or not. */
export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}
