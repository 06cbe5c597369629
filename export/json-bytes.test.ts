import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes.ts';

describe('JsonBytes', () => {
  it('hands the sink the UTF-8 of the texts written, in chunks no larger than needed, whatever the texts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 256 }),
        (texts, chunkBytes) => {
          const chunks: Buffer[] = [];
          const out = new JsonBytes((b) => chunks.push(b), chunkBytes);
          for (const t of texts) out.write(t);
          out.flush();
          expect(Buffer.concat(chunks)).toEqual(Buffer.from(texts.join('')));
          const longest = Math.max(0, ...texts.map((t) => t.length * 3));
          for (const c of chunks) {
            expect(c.length).toBeGreaterThan(0);
            expect(c.length).toBeLessThanOrEqual(Math.max(chunkBytes, longest));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never touches a chunk once the sink has it, and hands over nothing when nothing was written', () => {
    const chunks: Buffer[] = [];
    const out = new JsonBytes((b) => chunks.push(b), 8);
    out.flush();
    expect(chunks).toEqual([]);
    out.write('first');
    out.write('second'); // does not fit beside "first": that chunk goes out
    out.flush();
    out.write('third');
    out.flush();
    expect(chunks.map(String)).toEqual(['first', 'second', 'third']);
  });
});
