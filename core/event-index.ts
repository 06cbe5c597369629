import type { SpanState } from './span-state.ts';

/** Where a later occurrence of an Event continues: its first span's trace and parent. */
export interface OccurrenceRef {
  readonly traceId: string;
  /** The first span of the Event (a continuation links to it in `kspan.continues`). */
  readonly spanId: string;
  readonly parentSpanId: string;
  lastUs: number;
}

/**
 * What the engine holds about one Event, by its uid, in one record: the occurrence placed last (OccurrenceDedupe),
 * its open or retained span (RecentSpans), its first exported span (EventMemory). Each part is set and cleared by
 * its owner only; the record goes when no part is held.
 */
export class EventEntry {
  readonly uid: string;
  /** OccurrenceDedupe's part: the newest count and time placed, in generation `seenGeneration` (-1: not held). */
  seenCount = 0;
  seenTimeUs = 0;
  seenGeneration = -1;
  /** RecentSpans' part: the Event's span, while it is a candidate parent. */
  span: SpanState | undefined = undefined;
  /** EventMemory's part: the Event's first span, and its neighbours in EventMemory's last-seen order. */
  occurrence: OccurrenceRef | undefined = undefined;
  older: EventEntry | undefined = undefined;
  newer: EventEntry | undefined = undefined;

  constructor(uid: string) {
    this.uid = uid;
  }
}

/**
 * The engine's Events by uid: one map that OccurrenceDedupe, RecentSpans and EventMemory share, so that an event
 * costs one lookup of its uid instead of about ten in three maps of up to 200,000 entries (a lookup in a map that
 * large is a cache miss or two: ten times one in a small map). Their orders (generations, last-seen) are kept in
 * the records themselves, not in the map's insertion order.
 */
export class EventIndex {
  private readonly entries = new Map<string, EventEntry>();

  /** The record of this Event, if any part is held. */
  get(uid: string): EventEntry | undefined {
    return this.entries.get(uid);
  }

  /** The record of this Event, made if needed: the caller sets its part at once. */
  entry(uid: string): EventEntry {
    let e = this.entries.get(uid);
    if (e === undefined) {
      e = new EventEntry(uid);
      this.entries.set(uid, e);
    }
    return e;
  }

  /** A new record for an Event the index holds none for (the caller has just looked it up): one lookup less. */
  create(uid: string): EventEntry {
    const e = new EventEntry(uid);
    this.entries.set(uid, e);
    return e;
  }

  /** Lets the record go once no part of it is held (each owner calls this after clearing its part). */
  release(e: EventEntry): void {
    if (e.seenGeneration < 0 && e.span === undefined && e.occurrence === undefined && this.entries.get(e.uid) === e)
      this.entries.delete(e.uid);
  }

  /** Every record, for an owner clearing its part of all of them. */
  forEach(visit: (e: EventEntry) => void): void {
    for (const e of this.entries.values()) visit(e);
  }

  /** Forgets every record (the engine's close: nothing is placed after it). */
  clear(): void {
    this.entries.clear();
  }

  /** Records held. */
  get size(): number {
    return this.entries.size;
  }
}
