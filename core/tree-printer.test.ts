import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offsetSeconds } from './tree-printer.ts';

/** What the printer wrote before offsetSeconds: the reference it must match byte for byte. */
function reference(us: number): string {
  return `+${(us / 1_000_000).toFixed(3)}s`;
}

describe('offsetSeconds', () => {
  it.each([
    [0, '+0.000s'],
    [499, '+0.000s'],
    [501, '+0.001s'],
    [1_500, reference(1_500)],
    [2_500, reference(2_500)],
    [999_499, '+0.999s'],
    [999_501, '+1.000s'],
    [1_000_000, '+1.000s'],
    [12_345_678, '+12.346s'],
    [-1_500, reference(-1_500)],
    [0.5, reference(0.5)],
    [2 ** 40 + 1, reference(2 ** 40 + 1)],
  ])('%d µs', (us, text) => {
    expect(offsetSeconds(us)).toBe(text);
  });

  it('prints what toFixed(3) prints, for any offset', () => {
    const nearHalf = fc
      .tuple(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 495, max: 505 }))
      .map(([ms, rest]) => ms * 1000 + rest);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 2 ** 41 }),
          nearHalf,
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
          fc.double({ noNaN: true, min: -1e9, max: 1e13 }),
        ),
        (us) => {
          expect(offsetSeconds(us)).toBe(reference(us));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
