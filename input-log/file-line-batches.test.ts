import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { fileLineBatches, lineBatches, PIECE_BYTES } from './file-line-batches.ts';

const dir = mkdtempSync(join(tmpdir(), 'kspan-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function textsOf(content: string, chunkBytes: number, pieceBytes?: number): Promise<string[]> {
  const path = join(dir, `f${files++}`);
  writeFileSync(path, content);
  const out: string[] = [];
  for await (const b of fileLineBatches(path, chunkBytes, pieceBytes)) out.push(b);
  return out;
}

async function batchesOf(content: string, chunkBytes: number, pieceBytes?: number): Promise<string[][]> {
  return (await textsOf(content, chunkBytes, pieceBytes)).map((b) => b.split('\n'));
}

/** The lines of a text: the part after the last newline only when it is not empty. */
const linesOf = (s: string): string[] => (s === '' ? [] : (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n'));

describe('fileLineBatches', () => {
  it.each([
    ['empty file', '', 4, []],
    ['one line, no newline', 'abc', 4, [['abc']]],
    ['lines in one read', 'a\nb\n', 16, [['a', 'b']]],
    ['a batch per read, the rest carried', 'ab\ncd\nef', 4, [['ab'], ['cd'], ['ef']]],
    ['a line longer than the buffer (which doubles)', 'abcdefghij\nk\n', 4, [['abcdefghij', 'k']]],
    ['blank lines and CRLF kept', 'a\r\n\r\n\nb\n', 64, [['a\r', '\r', '', 'b']]],
    ['a character cut by a read', 'é€😀\nü\n', 3, [['é€😀'], ['ü']]],
  ] as const)('%s', async (_, content, chunk, expected) => {
    expect(await batchesOf(content, chunk)).toEqual(expected);
  });

  it.each([
    [
      'a read in pieces of whole lines',
      'ab\ncd\nef\ngh\n',
      64,
      5,
      [
        ['ab', 'cd'],
        ['ef', 'gh'],
      ],
    ],
    ['a line longer than a piece is a piece of its own', 'a\nbcdefgh\ni\n', 64, 3, [['a'], ['bcdefgh'], ['i']]],
    ['blank lines at a piece boundary kept', 'ab\n\n\ncd\n', 64, 2, [['ab'], ['', ''], ['cd']]],
  ] as const)('%s', async (_, content, chunk, piece, expected) => {
    expect(await batchesOf(content, chunk, piece)).toEqual(expected);
  });

  it('decodes a 1 MiB read in texts of at most PIECE_BYTES, below the size V8 keeps as a large object', async () => {
    const line = `${'x'.repeat(99)}\n`;
    const texts = await textsOf(line.repeat(20_000), 1 << 20);
    expect(PIECE_BYTES).toBeLessThanOrEqual(64 * 1024);
    expect(texts.length).toBeGreaterThan(Math.floor((2_000_000 / PIECE_BYTES) * 0.9));
    for (const t of texts) expect(Buffer.byteLength(t)).toBeLessThanOrEqual(PIECE_BYTES);
    expect(texts.join('\n').split('\n')).toEqual(Array.from({ length: 20_000 }, () => 'x'.repeat(99)));
  });

  it('gives the lines of any text, whatever the read size, as the stream splitter does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', 'é', '😀'), fc.string({ maxLength: 6 })), { maxLength: 20 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 16 }),
        async (parts, chunk, piece) => {
          const content = parts.join('');
          const batches = await batchesOf(content, chunk);
          // Pieces cut the same lines apart, only at newlines.
          expect((await batchesOf(content, chunk, piece)).flat()).toEqual(batches.flat());
          expect(batches.flat()).toEqual(linesOf(content));
          const bytes = Buffer.from(content);
          const chunks: Buffer[] = [];
          for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
          const streamed: string[] = [];
          for await (const b of lineBatches(Readable.from(chunks))) streamed.push(...b.split('\n'));
          expect(streamed).toEqual(batches.flat());
        },
      ),
      { numRuns: 200 },
    );
  });
});
