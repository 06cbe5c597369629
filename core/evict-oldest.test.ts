import { describe, expect, it } from 'vitest';
import { evictOldest } from './evict-oldest.ts';

describe('evictOldest', () => {
  it('drops the oldest entries, an eighth of the capacity more, and nothing within the capacity', () => {
    const m = new Map<number, number>();
    for (let i = 0; i < 16; i++) m.set(i, i);
    evictOldest(m, 16);
    expect(m.size).toBe(16);
    m.set(16, 16);
    evictOldest(m, 16);
    expect([...m.keys()]).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('stays fast on a full map that keeps taking entries (one pass per eighth of the capacity)', () => {
    const m = new Map<number, number>();
    const capacity = 100_000;
    const started = performance.now();
    for (let i = 0; i < 400_000; i++) {
      m.set(i, i);
      evictOldest(m, capacity);
    }
    expect(m.size).toBeLessThanOrEqual(capacity);
    // One entry at a time through keys().next() took tens of seconds here (the iterator walks the deleted front).
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
