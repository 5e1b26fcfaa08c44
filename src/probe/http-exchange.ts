/**
 * The one HTTP/1.1 request a probe sends after the handshake, for servers
 * that judge the client certificate at the HTTP layer (nginx answers 400
 * "No required SSL certificate was sent"), and a reader for the answer's head.
 */

/** Bytes of body kept for the report. */
export const BODY_HEAD_BYTES = 200;

/** The status line and body head of an HTTP response. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  bodyHead: string;
}

/** Builds `GET path HTTP/1.1` with Host and `Connection: close`. */
export function httpRequest(path: string, host: string): string {
  const target = path.startsWith('/') ? path : `/${path}`;
  return `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: mtlsctl-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

/** The Host header value for a target: brackets around IPv6, port unless 443. */
export function hostHeader(host: string, port: number): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return port === 443 ? name : `${name}:${port}`;
}

interface ParsedHead {
  status: number;
  statusText: string;
  contentLength?: number;
  chunked: boolean;
  bodyStart: number;
}

/** Accumulates response bytes until the status and body head are known. */
export class HttpResponseReader {
  private data: Buffer = Buffer.alloc(0);
  private head: ParsedHead | undefined;

  /** Adds bytes; returns true once enough of the response has arrived. */
  push(chunk: Buffer): boolean {
    this.data = Buffer.concat([this.data, chunk]);
    this.head ??= parseHead(this.data);
    return this.complete();
  }

  /** Whether a status line has been read. */
  get hasStatus(): boolean {
    return this.head !== undefined;
  }

  /** The answer so far, or undefined before the status line is complete. */
  answer(): HttpAnswer | undefined {
    if (!this.head) return undefined;
    const body = this.body();
    return {
      status: this.head.status,
      statusText: this.head.statusText,
      bodyHead: body.subarray(0, BODY_HEAD_BYTES).toString('utf8'),
    };
  }

  private complete(): boolean {
    if (!this.head) return false;
    const body = this.body();
    if (body.length >= BODY_HEAD_BYTES) return true;
    if (this.head.contentLength !== undefined) return body.length >= this.head.contentLength;
    return (
      this.head.chunked &&
      /(^|\r\n)0\r\n/.test(this.data.subarray(this.head.bodyStart).toString('latin1'))
    );
  }

  private body(): Buffer {
    const raw = this.data.subarray(this.head!.bodyStart);
    return this.head!.chunked ? dechunk(raw) : raw;
  }
}

function parseHead(data: Buffer): ParsedHead | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!status) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const length = headers.get('content-length');
  return {
    status: Number(status[1]),
    statusText: status[2] ?? '',
    contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
    chunked: /chunked/i.test(headers.get('transfer-encoding') ?? ''),
    bodyStart: end + 4,
  };
}

/** Joins the chunks that have fully arrived (RFC 9112 7.1). */
function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!(size > 0) || lineEnd + 2 + size > raw.length) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
