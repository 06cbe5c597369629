import { describe, expect, it } from 'vitest';
import { StringPool } from './string-pool.ts';

/** A string equal to `s` but another copy (a parsed JSON value is one of these each time). */
const copy = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

describe('StringPool', () => {
  it('holds one copy of equal strings, and gives back an equal value', () => {
    const pool = new StringPool();
    pool.intern(copy('default-scheduler'));
    expect(pool.intern(copy('default-scheduler'))).toBe('default-scheduler');
    expect(pool.size).toBe(1);
  });

  it('leaves long strings alone', () => {
    const pool = new StringPool(16, 8);
    pool.intern('a long message');
    expect(pool.size).toBe(0);
  });

  it.each([
    [4, 10],
    [16, 100],
  ])('holds at most its capacity of %i strings (%i distinct interned)', (capacity, n) => {
    const pool = new StringPool(capacity);
    for (let i = 0; i < n; i++) pool.intern(`s${i}`);
    expect(pool.size).toBeLessThanOrEqual(capacity);
    expect(pool.size).toBeGreaterThan(0);
  });

  it('answers each string by slot, the one answered last for the slot or another', () => {
    const pool = new StringPool();
    // [slot, string]: the same slot again, another slot, another string in a slot, a slot's string in another.
    const calls: [number, string][] = [
      [0, 'kubelet'],
      [0, 'kubelet'],
      [1, 'kind-worker-number-two'],
      [1, 'kind-worker-number-three'],
      [0, 'kind-worker-number-two'],
      [1, 'kind-worker-number-three'],
      [0, 'kubelet'],
      [-1, 'kubelet'],
    ];
    expect(calls.map(([slot, s]) => pool.intern(copy(s), slot))).toEqual(calls.map(([, s]) => s));
    expect(pool.size).toBe(3);
  });
});
