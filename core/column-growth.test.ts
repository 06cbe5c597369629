import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grownLength, HEAP_BLOCK_BYTES, powerOfTwoAtLeast } from './column-growth.ts';

/** The lengths a column takes from `initial` until it holds `needed` items. */
function lengths(initial: number, itemBytes: number, fullLength: number, needed: number): number[] {
  const seen = [initial];
  while ((seen.at(-1) as number) < needed) seen.push(grownLength(seen.at(-1) as number, itemBytes, fullLength));
  return seen;
}

describe('grownLength', () => {
  it('doubles while heap blocks, steps once to the full length, and doubles past it', () => {
    // 8-byte items: 8,192 of them are 64 KiB.
    expect(lengths(64, 8, 200_000, 500_000)).toEqual([
      64, 128, 256, 512, 1024, 2048, 4096, 8192, 200_000, 400_000, 800_000,
    ]);
    // Without a full length (0), or one already reached: doubling throughout.
    expect(lengths(64, 8, 0, 20_000)).toEqual([64, 128, 256, 512, 1024, 2048, 4096, 8192, 16_384, 32_768]);
  });

  it('frees no block above a heap block before the full length is reached', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 256 }),
        fc.constantFrom(4, 8, 20, 32),
        fc.integer({ min: 1, max: 2_000_000 }),
        (initial, itemBytes, full) => {
          const seen = lengths(initial, itemBytes, full, full);
          // Every length left behind on the way to holding `full` items (each freed once grown) is a heap block,
          // unless the column started above one.
          for (const n of seen.slice(0, -1)) expect(n * itemBytes <= HEAP_BLOCK_BYTES || n === initial).toBe(true);
          expect(seen.at(-1) as number).toBeGreaterThanOrEqual(full);
        },
      ),
    );
  });

  it('powerOfTwoAtLeast', () => {
    expect([0, 1, 2, 3, 64, 65, 400_002].map(powerOfTwoAtLeast)).toEqual([1, 1, 2, 4, 64, 128, 524_288]);
  });
});
