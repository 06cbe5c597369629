import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Whether bytes start as a gzip member does (RFC 1952: 1f 8b), whatever the file is called. */
export function startsGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Gzip data that does not decompress: cut short (a log still being written, a copy broken off) or corrupt. */
export class GzipInputError extends Error {
  /** zlib's words for it (`unexpected end of file`, `incorrect header check`, …). */
  readonly reason: string;
  /** The data ends before its stream does (zlib's Z_BUF_ERROR), rather than being wrong where it is. */
  readonly cutShort: boolean;

  constructor(reason: string, cutShort: boolean, options?: ErrorOptions) {
    super(`gzip data cut short or corrupt (${reason})`, options);
    this.name = 'GzipInputError';
    this.reason = reason;
    this.cutShort = cutShort;
  }
}

/** zlib's error code (Z_DATA_ERROR, Z_BUF_ERROR, …), or undefined for another error (the source's passes as it is). */
function zlibCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('Z_') ? code : undefined;
}

/** A chunk as bytes (a stream of strings, as a test or a text source hands over, is encoded as UTF-8). */
function bytesOf(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** Decompressed output is handed on in pieces of this size at most (zlib's default is 16 KiB). */
const CHUNK_BYTES = 64 * 1024;

/**
 * The chunks of a byte stream as they come, or decompressed when it starts as gzip does: a log or capture written
 * with `gzip` reads like the plain one, from a file or standard input alike (members one after another, as `cat
 * a.gz b.gz` makes, read as one, as zcat reads them). Fails with GzipInputError when the gzip data does not
 * decompress; what came before it has been handed on.
 */
export async function* gunzipIfCompressed(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const it = chunks[Symbol.asyncIterator]();
  try {
    // Enough bytes to tell: a pipe may hand over a single byte first.
    let head: Buffer = Buffer.alloc(0);
    while (head.length < 2) {
      const r = await it.next();
      if (r.done === true) break;
      head = head.length === 0 ? bytesOf(r.value) : Buffer.concat([head, bytesOf(r.value)]);
    }
    const first = head;
    /** The stream's bytes from its start: the head read to tell, then the rest as it comes. */
    async function* all(): AsyncGenerator<Buffer> {
      if (first.length > 0) yield first;
      for (let r = await it.next(); r.done !== true; r = await it.next()) yield bytesOf(r.value);
    }
    if (!startsGzip(first)) {
      yield* all();
      return;
    }
    const input = Readable.from(all(), { objectMode: false });
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    // pipe() does not pass a source's error on: the reader sees it from the gunzip stream it reads.
    input.on('error', (err) => gunzip.destroy(err));
    input.pipe(gunzip);
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (err) {
      const code = zlibCode(err);
      if (code !== undefined) throw new GzipInputError((err as Error).message, code === 'Z_BUF_ERROR', { cause: err });
      throw err;
    } finally {
      input.unpipe(gunzip);
      input.destroy();
      gunzip.destroy();
    }
  } finally {
    await it.return?.();
  }
}
