import { describe, expect, it } from 'vitest';
import { EventIndex } from './event-index.ts';
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
