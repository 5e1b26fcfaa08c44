/** Reading user-named input files without trusting their size or kind. */
import { open, type FileHandle } from 'node:fs/promises';

/**
 * The most any input file may hold. Manifests, Kubernetes YAML, certificate
 * bundles and passphrase files are far smaller; without a bound, a path such
 * as /dev/zero or a multi-gigabyte log reads until memory runs out.
 */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** A failed read; `why` is a phrase such as "no such file" for a message. */
export class BoundedReadError extends Error {
  readonly why: string;
  constructor(why: string, cause?: unknown) {
    super(why, cause === undefined ? undefined : { cause });
    this.name = 'BoundedReadError';
    this.why = why;
  }
}

/**
 * Reads a regular file, a FIFO or a /dev/fd pipe up to `limit` bytes.
 * Character and block devices are refused: they never end.
 * @throws BoundedReadError with a one-phrase reason.
 */
export async function readBounded(path: string, limit = MAX_INPUT_BYTES): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new BoundedReadError(faultOf(cause), cause);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new BoundedReadError('it is a directory');
    if (info.isCharacterDevice() || info.isBlockDevice() || info.isSocket()) {
      throw new BoundedReadError('it is not a regular file');
    }
    return await readUpTo(handle, limit);
  } catch (cause) {
    if (cause instanceof BoundedReadError) throw cause;
    throw new BoundedReadError(faultOf(cause), cause);
  } finally {
    await handle.close();
  }
}

async function readUpTo(handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > limit) throw new BoundedReadError(`it is larger than ${limit / 1024 / 1024} MiB`);
    chunks.push(buffer.subarray(0, bytesRead));
  }
}

function faultOf(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a parent is not a directory';
  if (code === 'ELOOP') return 'too many symbolic links';
  return code ?? String((cause as Error)?.message ?? cause);
}

/**
 * Decodes UTF-8 text, or returns undefined when the bytes are not text
 * (invalid UTF-8 or a NUL byte, as in a binary file or a UTF-16 export).
 */
export function decodeUtf8Text(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}
