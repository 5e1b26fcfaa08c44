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

const MARKER = /-----(BEGIN|END) ([A-Z0-9 ]+)-----/g;

/**
 * Finds every complete PEM block in a text, in order. One pass over the
 * markers: a BEGIN that meets another BEGIN before its END is incomplete and
 * dropped, so thousands of unclosed BEGIN lines cost linear time, not the
 * quadratic rescans a lazy regex would make.
 */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: { label: string; bodyStart: number; line: number } | undefined;
  let line = 1;
  let counted = 0;
  for (const match of text.matchAll(MARKER)) {
    line += countNewlines(text, counted, match.index);
    counted = match.index;
    const [marker, kind, label] = match as unknown as [string, string, string];
    if (kind === 'BEGIN') {
      const after = match.index + marker.length;
      const newline = text.startsWith('\r\n', after) ? 2 : text.startsWith('\n', after) ? 1 : 0;
      open = newline > 0 ? { label, bodyStart: after + newline, line } : undefined;
    } else if (open && open.label === label) {
      const body = text.slice(open.bodyStart, match.index).replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
      blocks.push({ label, der: Buffer.from(body, 'base64'), line: open.line });
      open = undefined;
    }
  }
  return blocks;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
