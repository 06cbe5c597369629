import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventIndex } from './event-index.ts';
import type { NormalizedEvent } from './normalized-event.ts';
import { OccurrenceDedupe } from './occurrence-dedupe.ts';

/**
 * The reference: both generations in one Map in generation order (an entry seen again moves to the end), the older
 * generation forgotten from the map's front. OccurrenceDedupe keeps its generations in lists of shared records.
 */
class MapDedupe {
  private readonly seen = new Map<string, { count: number; timeUs: number; generation: number }>();
  private generation = 0;
  private current = 0;
  private generationUs = Number.NEGATIVE_INFINITY;
  private readonly capacity: number;
  private readonly ttlUs: number;
  constructor(capacity: number, ttlUs: number) {
    this.capacity = capacity;
    this.ttlUs = ttlUs;
  }
  get size(): number {
    return this.seen.size;
  }
  isDuplicate(event: NormalizedEvent): boolean {
    const seen = this.seen.get(event.uid);
    if (seen !== undefined && event.count <= seen.count && event.timeUs <= seen.timeUs) return true;
    if (seen !== undefined && seen.generation === this.generation) {
      seen.count = Math.max(event.count, seen.count);
      seen.timeUs = Math.max(event.timeUs, seen.timeUs);
    } else {
      if (seen !== undefined) this.seen.delete(event.uid);
      this.seen.set(event.uid, {
        count: Math.max(event.count, seen?.count ?? 0),
        timeUs: Math.max(event.timeUs, seen?.timeUs ?? 0),
        generation: this.generation,
      });
      this.current += 1;
    }
    if (this.generationUs === Number.NEGATIVE_INFINITY) this.generationUs = event.timeUs;
    if (this.current >= this.capacity / 2 || event.timeUs - this.generationUs >= this.ttlUs) {
      for (const [uid, s] of this.seen) {
        if (s.generation === this.generation) break;
        this.seen.delete(uid);
      }
      this.generation += 1;
      this.current = 0;
      this.generationUs = Math.max(this.generationUs, event.timeUs);
    }
    return false;
  }
}

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

  it('answers as the one-map reference does, and holds what it does (records let go with the occurrences)', () => {
    const step = fc.tuple(
      fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 60 }),
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        (seq, capacity, ttlUs) => {
          const index = new EventIndex();
          const d = new OccurrenceDedupe(capacity, ttlUs, index);
          const ref = new MapDedupe(capacity, ttlUs);
          for (const [uid, count, t] of seq) {
            expect(d.isDuplicate(occurrence(uid, count, t))).toBe(ref.isDuplicate(occurrence(uid, count, t)));
            expect(d.size).toBe(ref.size);
            // Nothing else holds a part of these records: the index holds exactly the remembered ones.
            expect(index.size).toBe(ref.size);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('holds at most the capacity', () => {
    const d = new OccurrenceDedupe(100);
    for (let i = 0; i < 1000; i++) d.isDuplicate(occurrence(`e${i}`, 1, i));
    expect(d.size).toBeLessThanOrEqual(100);
    expect(d.size).toBeGreaterThanOrEqual(50);
  });
});
