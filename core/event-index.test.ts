import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventIndex, type EventSlot } from './event-index.ts';
import { SlotRecencyList } from './slot-recency-list.ts';
import { RecencyList, type RecencyLinks } from './recency-list.ts';
import { EventMemory } from './event-memory.ts';
import type { NormalizedEvent } from './normalized-event.ts';
import { OccurrenceDedupe } from './occurrence-dedupe.ts';
import { RecentSpans } from './recent-spans.ts';
import type { SpanState } from './span-state.ts';

const occurrence = (uid: string, timeUs: number): NormalizedEvent => ({ uid, count: 1, timeUs }) as NormalizedEvent;

const span = (uid: string, lastUs: number): SpanState =>
  ({
    spanId: `span-${uid}`,
    trace: { traceId: 'trace' },
    parent: { spanId: 'parent' },
    actorKey: 'Pod/d/a',
    objectKey: 'Pod/d/a',
    eventUid: uid,
    startUs: lastUs,
    lastUs,
  }) as unknown as SpanState;

/** The three owners of an engine's Event records, sharing one index as the engine's do. */
function owners(capacity: number) {
  const index = new EventIndex();
  return {
    index,
    dedupe: new OccurrenceDedupe(capacity, Number.POSITIVE_INFINITY, index),
    recent: new RecentSpans(index),
    memory: new EventMemory({ ttlUs: 100, capacity }, index),
  };
}

describe('EventIndex shared by OccurrenceDedupe, RecentSpans and EventMemory', () => {
  it('keeps a record while any part is held, and lets it go with the last', () => {
    const { index, dedupe, recent, memory } = owners(4);
    const s = span('a', 0);
    expect(dedupe.isDuplicate(occurrence('a', 0))).toBe(false);
    recent.add(s);
    memory.remember(s, false, 0);
    expect(index.size).toBe(1);
    // Two more generations of the dedupe: 'a' is no longer a duplicate, but its span and first span stay.
    for (const u of ['b', 'c', 'd', 'e']) dedupe.isDuplicate(occurrence(u, 0));
    expect(dedupe.isDuplicate(occurrence('a', 0))).toBe(false);
    for (const u of ['f', 'g', 'h', 'i']) dedupe.isDuplicate(occurrence(u, 0));
    expect(recent.ofEvent('a')).toBe(s);
    expect(memory.occurrence('a', 50)?.spanId).toBe('span-a');
    recent.remove(s);
    expect(recent.ofEvent('a')).toBeUndefined();
    expect(memory.occurrence('a', 50)?.spanId).toBe('span-a');
    memory.prune(200);
    expect(memory.occurrence('a', 50)).toBeUndefined();
    expect(index.get('a')).toBeUndefined();
  });

  it('clearing the open spans leaves the other parts', () => {
    const { index, dedupe, recent } = owners(100);
    dedupe.isDuplicate(occurrence('a', 0));
    recent.add(span('a', 0));
    recent.add(span('b', 0));
    recent.clear();
    expect(recent.ofEvent('a')).toBeUndefined();
    expect(index.get('b')).toBeUndefined();
    expect(dedupe.isDuplicate(occurrence('a', 0))).toBe(true);
  });

  it('the memory is bounded by its capacity, the least recently seen first, as a map in last-seen order is', () => {
    const { index, memory } = owners(3);
    for (let i = 0; i < 10; i++) memory.remember(span(`e${i}`, i), false, i);
    // Seen again: e8 is now the newest; an eighth of 3 is 0, so each overflow evicts one.
    memory.touch('e8', 'Pod/d/a', 20);
    memory.remember(span('e10', 21), false, 21);
    expect(memory.size.events).toBe(3);
    expect(['e7', 'e8', 'e9', 'e10'].map((u) => memory.occurrence(u, 21) !== undefined)).toEqual([
      false,
      true,
      true,
      true,
    ]);
    expect(index.size).toBe(3);
  });
});

describe('EventIndex slots', () => {
  it('a released slot is taken by the next new Event, with none of the parts of the one before', () => {
    const index = new EventIndex();
    const a = index.create('a');
    const b = index.create('b');
    index.setSeen(a, 3, 1_714_867_200_000_001);
    index.setSeenGeneration(a, 2);
    index.setOccurrence(a, 't', 's', 'p');
    index.setOccurrenceLastUs(a, 1_714_867_200_000_002);
    // Still held (its dedupe part and its first span): not let go.
    index.release(a);
    expect(index.get('a')).toBe(a);
    index.setSeenGeneration(a, -1);
    index.release(a);
    expect(index.get('a')).toBe(a);
    index.clearOccurrence(a);
    index.release(a);
    expect([index.get('a'), index.uidOf(a), index.size]).toEqual([undefined, undefined, 1]);
    // A second release of a slot let go does not put it on the free list twice.
    index.release(a);
    const c = index.create('c');
    expect(c).toBe(a);
    expect(index.create('d')).not.toBe(a);
    expect([index.uidOf(c), index.seenCount(c), index.seenTimeUs(c), index.seenGeneration(c)]).toEqual(['c', 0, 0, -1]);
    expect([index.spanOf(c), index.occurrenceOf(c), index.olderOf(c), index.newerOf(c)]).toEqual([
      undefined,
      undefined,
      -1,
      -1,
    ]);
    expect([index.get('b'), index.entry('b'), index.size]).toEqual([b, b, 3]);
  });

  it('holds exact microsecond times and counts through growth', () => {
    const index = new EventIndex();
    const slots = Array.from({ length: 1000 }, (_, i) => index.create(`u${i}`));
    slots.forEach((e, i) => index.setSeen(e, i + 1, 1_714_867_200_000_000 + i));
    expect(
      slots.every((e, i) => index.seenCount(e) === i + 1 && index.seenTimeUs(e) === 1_714_867_200_000_000 + i),
    ).toBe(true);
    expect(slots.map((_, i) => index.get(`u${i}`))).toEqual(slots);
  });

  interface Rec extends RecencyLinks<Rec> {
    readonly slot: EventSlot;
  }

  it('SlotRecencyList keeps the order RecencyList keeps, through any appends, bumps and unlinks', () => {
    const op = fc.tuple(fc.constantFrom('append', 'bump', 'unlink'), fc.integer({ min: 0, max: 7 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const index = new EventIndex();
        const slots = Array.from({ length: 8 }, (_, i) => index.create(`u${i}`));
        const recs = slots.map((slot): Rec => ({ slot }));
        const list = new SlotRecencyList(index);
        const ref = new RecencyList<Rec>();
        const inList = new Set<number>();
        for (const [what, i] of ops) {
          const e = slots[i] as EventSlot;
          const r = recs[i] as Rec;
          if (what === 'append' && !inList.has(i)) {
            list.append(e);
            ref.append(r);
            inList.add(i);
          } else if (what === 'bump' && inList.has(i)) {
            list.bump(e);
            ref.bump(r);
          } else if (what === 'unlink') {
            list.unlink(e);
            ref.unlink(r);
            inList.delete(i);
          }
          const got: number[] = [];
          for (let s = list.oldest; s >= 0; s = index.newerOf(s)) got.push(s);
          const back: number[] = [];
          for (let s = list.newest; s >= 0; s = index.olderOf(s)) back.push(s);
          const want: number[] = [];
          for (let x = ref.oldest; x !== undefined; x = x.newer) want.push(x.slot);
          expect(got).toEqual(want);
          expect(back.reverse()).toEqual(want);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives back a first span’s IDs as they were given, held as numbers or (any other text) as they are', () => {
    const index = new EventIndex();
    const cases = [
      { traceId: '003eb739f2c6b310dfa99e392c339b7a', spanId: 'df2583d79c60e5fd', parentSpanId: '0000000000000001' },
      { traceId: 'ffffffffffffffffffffffffffffffff', spanId: '8000000000000000', parentSpanId: 'ffffffff00000000' },
      // An annotation's IDs: upper case, too short, not hex at all.
      { traceId: '003EB739F2C6B310DFA99E392C339B7A', spanId: 'df2583d79c60e5fd', parentSpanId: '0000000000000001' },
      { traceId: '003eb739f2c6b310dfa99e392c339b7a', spanId: 'df2583d79c60e5f', parentSpanId: '0000000000000001' },
      { traceId: '003eb739f2c6b310dfa99e392c339b7a', spanId: 'df2583d79c60e5fd', parentSpanId: 'my-parent-span!!' },
    ];
    const slots = cases.map((c, i) => {
      const e = index.create(`u${i}`);
      index.setOccurrence(e, c.traceId, c.spanId, c.parentSpanId);
      return e;
    });
    expect(slots.map((e) => index.occurrenceOf(e))).toEqual(cases);
    expect(slots.every((e) => index.hasOccurrence(e))).toBe(true);
    // Replaced, then let go: nothing of the text one is kept.
    index.setOccurrence(slots[4] as EventSlot, 'a'.repeat(32), 'b'.repeat(16), 'c'.repeat(16));
    expect(index.occurrenceOf(slots[4] as EventSlot)).toEqual({
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      parentSpanId: 'c'.repeat(16),
    });
    for (const e of slots) index.clearOccurrence(e);
    expect(slots.map((e) => [index.hasOccurrence(e), index.occurrenceOf(e)])).toEqual(
      slots.map(() => [false, undefined]),
    );
    expect((index as unknown as { texts: Map<number, unknown> }).texts.size).toBe(0);
  });

  it('any 16 or 32 lower-case hex digits come back the same through their words', () => {
    const index = new EventIndex();
    const e = index.create('u');
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
    fc.assert(
      fc.property(hex(32), hex(16), hex(16), (traceId, spanId, parentSpanId) => {
        index.setOccurrence(e, traceId, spanId, parentSpanId);
        expect(index.occurrenceOf(e)).toEqual({ traceId, spanId, parentSpanId });
      }),
      { numRuns: 300 },
    );
  });
});
