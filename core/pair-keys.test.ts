import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PairKeys } from './pair-keys.ts';

describe('PairKeys', () => {
  it('joins the two parts with the separator, as a template would', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom('.', '\u0000', '/'), (a, b, sep) => {
        expect(new PairKeys(sep).of(a, b)).toBe(`${a}${sep}${b}`);
      }),
    );
  });

  it('finds a pair it holds instead of joining it again', () => {
    const keys = new PairKeys('.');
    const first = keys.of('Pod', 'Scheduled');
    keys.of('Pod', 'Pulled');
    expect(keys.of('Pod', 'Scheduled')).toBe(first);
    expect(keys.size).toBe(2);
  });

  it.each([
    [4, 10],
    [16, 100],
  ])('holds at most its capacity of %i pairs (%i distinct joined), and still answers right', (capacity, n) => {
    const keys = new PairKeys('/', capacity);
    for (let i = 0; i < n; i++) {
      expect(keys.of(`k${i % 7}`, `v${i}`)).toBe(`k${i % 7}/v${i}`);
      expect(keys.size).toBeLessThanOrEqual(capacity);
    }
    expect(keys.size).toBeGreaterThan(0);
  });
});
