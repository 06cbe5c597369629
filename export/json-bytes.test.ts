import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes.ts';

describe('JsonBytes', () => {
  it('holds the UTF-8 of the pieces written, whatever they are and however far the buffer grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 64 }),
        (pieces, initialBytes) => {
          const out = new JsonBytes(initialBytes);
          for (const p of pieces) out.raw(p);
          expect(out.take()).toEqual(Buffer.from(pieces.join('')));
          // A fresh start after take(): the next text does not carry the last one.
          out.raw('x');
          expect(out.takeText()).toBe('x');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('take() hands out a copy that later writes leave alone', () => {
    const out = new JsonBytes(4);
    out.raw('first');
    const first = out.take();
    out.raw('second, longer');
    expect(first.toString()).toBe('first');
    expect(out.take().toString()).toBe('second, longer');
  });
});
