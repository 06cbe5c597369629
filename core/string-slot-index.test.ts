import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashOf, StringSlotIndex } from './string-slot-index.ts';

/**
 * Applies `[add, key]` operations to a StringSlotIndex and to a Map from key to slot beside it (a freed slot is
 * reused first, as EventIndex does), checking the sizes agree after each; gives both and the free slots.
 */
function applied(ops: readonly (readonly [boolean, string])[], fullSlots = 0) {
  const index = new StringSlotIndex(fullSlots);
  const ref = new Map<string, number>();
  const free: number[] = [];
  let next = 0;
  for (const [add, k] of ops) {
    const slot = ref.get(k);
    if (add && slot === undefined) {
      const s = free.pop() ?? next++;
      index.set(k, s);
      ref.set(k, s);
    } else if (!add && slot !== undefined) {
      index.deleteSlot(slot);
      ref.delete(k);
      free.push(slot);
    }
    expect(index.size).toBe(ref.size);
  }
  return { index, ref, free };
}

describe('StringSlotIndex', () => {
  it('answers as a Map from key to slot does, through any sets and deletes (growing and shrinking)', () => {
    // Few distinct keys and a small table: long runs, deletions inside them, wrap-around at the table's end.
    const key = fc.integer({ min: 0, max: 300 }).map((i) => `k${i}`);
    const op = fc.tuple(fc.boolean(), key);
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const { index, ref } = applied(ops);
        for (let i = 0; i <= 300; i++) expect(index.get(`k${i}`)).toBe(ref.get(`k${i}`));
        for (const [k, s] of ref) expect(index.keyOf(s)).toBe(k);
        const visited: number[] = [];
        index.forEachSlot((s) => visited.push(s));
        expect(visited).toEqual([...ref.values()].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('holds UUID keys (as words) beside other keys, and finds each as a Map does', () => {
    const uid = fc
      .integer({ min: 0, max: 60 })
      .map((i) => `${i.toString(16).padStart(8, '0')}-0d00-4d00-8000-000000000000`);
    // A UUID, a root's `uid:generation`, the same in upper case (held as text), and a plain key.
    const key = fc.oneof(
      uid,
      fc.tuple(uid, fc.nat({ max: 3 })).map(([u, g]) => `${u}:${g}`),
      uid.map((u) => u.toUpperCase()),
      fc.nat({ max: 60 }).map((i) => `k${i}`),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 300 }), (ops) => {
        const { index, ref, free } = applied(ops);
        for (const [, k] of ops) expect(index.get(k)).toBe(ref.get(k));
        for (const [k, s] of ref) expect([index.keyOf(s), index.holds(s)]).toEqual([k, true]);
        for (const s of free) expect([index.keyOf(s), index.holds(s)]).toEqual([undefined, false]);
      }),
      { numRuns: 300 },
    );
  });

  it('with a full size, answers as a Map does across the one-step growth, beyond it, and as it empties', () => {
    // 20 bytes of words a slot: past 64 KiB at 4,096 slots, so 5,000 slots are reached in one step, then doubled.
    const uuid = (i: number): string => `${i.toString(16).padStart(8, '0')}-0d00-4d00-8000-000000000000`;
    const keys = Array.from({ length: 7_000 }, (_, i) => (i % 3 === 0 ? `k${i}` : uuid(i)));
    const ops: [boolean, string][] = [
      ...keys.map((k): [boolean, string] => [true, k]),
      ...keys.slice(0, 6_900).map((k): [boolean, string] => [false, k]),
      ...keys.slice(0, 3_000).map((k): [boolean, string] => [true, k]),
    ];
    const { index, ref } = applied(ops, 5_000);
    expect(index.size).toBe(3_100);
    for (const k of keys) expect(index.get(k)).toBe(ref.get(k));
    for (const [k, s] of ref) expect(index.keyOf(s)).toBe(k);
  });

  it('keys alike in all but a few characters find their own slots, before and after deletions', () => {
    const index = new StringSlotIndex();
    const keys = Array.from(
      { length: 5000 },
      (_, i) => `${i.toString(16).padStart(8, '0')}-0d00-4d00-8000-000000000000`,
    );
    keys.forEach((k, i) => index.set(k, i));
    expect(keys.every((k, i) => index.get(k) === i)).toBe(true);
    expect(index.get('not-held')).toBeUndefined();
    for (let i = 0; i < 5000; i += 2) index.deleteSlot(i);
    expect(keys.map((k) => index.get(k)).filter((s) => s !== undefined)).toHaveLength(2500);
    expect(keys.every((k, i) => index.get(k) === (i % 2 === 0 ? undefined : i))).toBe(true);
    index.deleteSlot(0); // held no key any more
    expect(index.size).toBe(2500);
    index.clear();
    expect([index.size, index.get(keys[1] as string)]).toEqual([0, undefined]);
  });

  it('spreads UUID-like keys over the low bits', () => {
    const buckets = new Array<number>(256).fill(0);
    for (let i = 0; i < 25_600; i++)
      buckets[hashOf(`0000${i.toString(16).padStart(4, '0')}-f100-4d00-8000-000000000000`) & 255]! += 1;
    expect(Math.max(...buckets)).toBeLessThan(160);
    expect(Math.min(...buckets)).toBeGreaterThan(40);
  });
});
