import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { fileLineBatches, lineBatches } from './file-line-batches.ts';

const dir = mkdtempSync(join(tmpdir(), 'kspan-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function batchesOf(content: string, chunkBytes: number): Promise<string[][]> {
  const path = join(dir, `f${files++}`);
  writeFileSync(path, content);
  const out: string[][] = [];
  for await (const b of fileLineBatches(path, chunkBytes)) out.push(b.split('\n'));
  return out;
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

  it('gives the lines of any text, whatever the read size, as the stream splitter does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', 'é', '😀'), fc.string({ maxLength: 6 })), { maxLength: 20 }),
        fc.integer({ min: 1, max: 12 }),
        async (parts, chunk) => {
          const content = parts.join('');
          const batches = await batchesOf(content, chunk);
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
