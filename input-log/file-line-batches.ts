import { open } from 'node:fs/promises';

/**
 * Lines of a byte stream, a batch per chunk read (one await per batch, not per line), `\r` of CRLF kept. A batch
 * is one text of whole lines, `\n` between them and none after the last (`split('\n')` gives its lines; the capture
 * reader reads it in place). Cuts at the last newline byte of each chunk, which never falls inside a UTF-8
 * sequence, so characters are never cut. What follows the last newline is a batch of its own, the last, announced
 * by `onUnterminated` (a line the writer may not have finished).
 */
export async function* lineBatches(
  chunks: AsyncIterable<Buffer | string>,
  onUnterminated?: () => void,
): AsyncGenerator<string> {
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
    yield data.toString('utf8', 0, cut);
  }
  if (carry !== undefined && carry.length > 0) {
    onUnterminated?.();
    yield carry.toString('utf8');
  }
}

/**
 * The most bytes of a file decoded into one batch text: whole lines, well below V8's large-object size (128 KiB,
 * which 64K characters outside Latin-1 reach). The text of a whole 1 MiB read is a large object (or, past Node's
 * 1 MB, an external string): it is alive while its lines are parsed, so it outlives a scavenge or two, and it is then
 * freed only by a full collection, with every other read's (the 300k flood's large-object space grew 6 → 27 MiB
 * between two of them). A piece dies young. The reads stay 1 MiB: a read is a round trip through libuv's threads.
 */
export const PIECE_BYTES = 32 * 1024;

/**
 * A file's lines, read `chunkBytes` (1 MiB) at a time, as lineBatches cuts them, in batches of up to `pieceBytes`
 * (PIECE_BYTES; a longer line is a batch of its own). Reads into one buffer, the part after the last newline moved
 * to its front for the next read (the buffer doubles for a longer line): a stream would allocate a new buffer per
 * chunk, and a copy to join it to the carried part, and those external buffers are only freed by the collector
 * (tens of MiB of them at once in a replay's peak). What follows the last newline comes last, announced by
 * `onUnterminated`, as in lineBatches.
 */
export async function* fileLineBatches(
  path: string,
  chunkBytes = 1 << 20,
  pieceBytes = PIECE_BYTES,
  onUnterminated?: () => void,
): AsyncGenerator<string> {
  const handle = await open(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let kept = 0;
    for (;;) {
      if (kept === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, kept);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, kept, buf.length - kept, null);
      if (bytesRead === 0) break;
      const end = kept + bytesRead;
      // The kept part has no newline: the last one is in what was just read, if anywhere.
      const cut = buf.lastIndexOf(10, end - 1);
      if (cut < kept) {
        kept = end;
        continue;
      }
      for (let from = 0; ;) {
        let to = cut - from <= pieceBytes ? cut : buf.lastIndexOf(10, from + pieceBytes);
        // No newline in the piece's span: the line runs on to the next one (there is one at `cut`).
        if (to < from) to = buf.indexOf(10, from + pieceBytes);
        yield buf.toString('utf8', from, to);
        if (to >= cut) break;
        from = to + 1;
      }
      buf.copy(buf, 0, cut + 1, end);
      kept = end - cut - 1;
    }
    if (kept > 0) {
      onUnterminated?.();
      yield buf.toString('utf8', 0, kept);
    }
  } finally {
    await handle.close();
  }
}
