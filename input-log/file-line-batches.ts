import { createReadStream } from 'node:fs';

/**
 * Lines of a byte stream, a batch per chunk read (one await per batch, not per line), `\r` of CRLF kept.
 * Splits at the last newline byte of each chunk, which never falls inside a UTF-8 sequence, so characters
 * are never cut.
 */
export async function* lineBatches(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  let carry: Buffer | undefined;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const data = carry === undefined ? bytes : Buffer.concat([carry, bytes]);
    const cut = data.lastIndexOf(10);
    if (cut < 0) {
      carry = data;
      continue;
    }
    carry = cut + 1 < data.length ? Buffer.from(data.subarray(cut + 1)) : undefined;
    yield data.toString('utf8', 0, cut).split('\n');
  }
  if (carry !== undefined && carry.length > 0) yield [carry.toString('utf8')];
}

/** A file's lines, a batch per 1 MiB read. */
export function fileLineBatches(path: string): AsyncGenerator<string[]> {
  return lineBatches(createReadStream(path, { highWaterMark: 1 << 20 }));
}
