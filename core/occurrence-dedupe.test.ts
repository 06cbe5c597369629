import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from './normalized-event.ts';
import { OccurrenceDedupe } from './occurrence-dedupe.ts';

const occurrence = (uid: string, count: number, timeUs: number): NormalizedEvent =>
  ({ uid, count, timeUs }) as NormalizedEvent;

/** What `isDuplicate` answers for each occurrence, in order, with this capacity and TTL. */
function answers(capacity: number, ttlUs: number, seq: [string, number, number][]): boolean[] {
  const d = new OccurrenceDedupe(capacity, ttlUs);
  return seq.map(([uid, count, t]) => d.isDuplicate(occurrence(uid, count, t)));
}

describe('OccurrenceDedupe', () => {
  it.each<[string, number, number, [string, number, number][], boolean[]]>([
    [
      'a re-delivery is a duplicate, a later count is not',
      10,
      1e9,
      [
        ['a', 1, 0],
        ['a', 1, 0],
        ['a', 2, 5],
        ['a', 1, 0],
      ],
      [false, true, false, true],
    ],
    [
      'a newer time with the same count is not a duplicate',
      10,
      1e9,
      [
        ['a', 1, 0],
        ['a', 1, 5],
        ['a', 1, 5],
      ],
      [false, false, true],
    ],
    // capacity 4: a generation holds 2. a, b fill the first; c, d the second (a, b still known); e starts the third: a, b forgotten.
    [
      'the generation before the current one is still known',
      4,
      1e9,
      [
        ['a', 1, 0],
        ['b', 1, 0],
        ['c', 1, 0],
        ['a', 1, 0],
      ],
      [false, false, false, true],
    ],
    [
      'two generations back is forgotten',
      4,
      1e9,
      [
        ['a', 1, 0],
        ['b', 1, 0],
        ['c', 1, 0],
        ['d', 1, 0],
        ['a', 1, 0],
      ],
      [false, false, false, false, false],
    ],
    // a seen again (newer) in the second generation moves to it: it outlives b, which stayed in the first.
    [
      'an entry seen again joins the current generation',
      4,
      1e9,
      [
        ['a', 1, 0],
        ['b', 1, 0],
        ['a', 2, 1],
        ['c', 1, 0],
        ['a', 2, 1],
        ['b', 1, 0],
      ],
      [false, false, false, false, true, false],
    ],
    // TTL 10: c at 10 starts a second generation, d at 20 a third: a, b and c (the first) are forgotten.
    [
      'a generation spans at most the TTL',
      100,
      10,
      [
        ['a', 1, 0],
        ['b', 1, 5],
        ['c', 1, 10],
        ['a', 1, 0],
        ['d', 1, 20],
        ['b', 1, 5],
      ],
      [false, false, false, true, false, false],
    ],
  ])('%s', (_name, capacity, ttlUs, seq, expected) => {
    expect(answers(capacity, ttlUs, seq)).toEqual(expected);
  });

  it('holds at most the capacity', () => {
    const d = new OccurrenceDedupe(100);
    for (let i = 0; i < 1000; i++) d.isDuplicate(occurrence(`e${i}`, 1, i));
    expect(d.size).toBeLessThanOrEqual(100);
    expect(d.size).toBeGreaterThanOrEqual(50);
  });
});
