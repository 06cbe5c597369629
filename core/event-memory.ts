import type { SpanState } from './span-state.ts';
import { EventIndex, type EventSlot, type OccurrenceRef } from './event-index.ts';
import { SlotRecencyList } from './slot-recency-list.ts';
import { RecencyList } from './recency-list.ts';

export type { OccurrenceRef } from './event-index.ts';

/** The newest span by another actor about an object: the creation (or deletion) its own later events hang under. */
export interface CauseRef {
  readonly traceId: string;
  readonly spanId: string;
  readonly actorKey: string;
  readonly startUs: number;
}

/** An object's remembered causes, in a list through the records in last-seen order (oldest first). */
interface CauseSlots {
  readonly key: string;
  other: CauseRef | undefined;
  deletion: CauseRef | undefined;
  lastUs: number;
  older: CauseSlots | undefined;
  newer: CauseSlots | undefined;
}

/** Settings of an EventMemory (microseconds of event time). */
export interface EventMemoryOptions {
  /** How long the API server keeps an Event after its last update (kube-apiserver --event-ttl, 1 h). */
  readonly ttlUs: number;
  /** Most Events (and, apart, objects) remembered; the least recently seen go first. */
  readonly capacity: number;
}

/**
 * A compact index of what the engine already exported, so that what happens much later still finds its
 * place: a later occurrence of an Event (a crash loop's `BackOff` an hour on, a `FailedScheduling` series
 * written every 30 min) joins its first span's trace under the same parent, and an object's own later events
 * (a Pod scheduled after 40 min Pending) find the span that created it. Entries hold IDs, not spans, and live
 * as long as the API server would keep the Event (the TTL after its last occurrence); both are kept in
 * last-seen order, so expiry reads only their stale front, and are bounded by `capacity`. The Events' entries are
 * parts of the engine's EventIndex records (one lookup of the uid for all the engine holds about an Event), in a
 * list through the records, oldest first; the objects' are a map by key, in a list through its records too (moving
 * one to the newest end is two links, not a delete and a set in a map of up to `capacity` entries).
 */
export class EventMemory {
  private readonly index: EventIndex;
  /** The records holding an occurrence, least recently seen first (linked through the records). */
  private readonly occurrences: SlotRecencyList;
  private occurrenceCount = 0;
  private readonly causes = new Map<string, CauseSlots>();
  private readonly causeOrder = new RecencyList<CauseSlots>();
  private readonly options: EventMemoryOptions;

  /** `index`: the engine's (shared with OccurrenceDedupe and RecentSpans), or one of its own. */
  constructor(options: EventMemoryOptions, index = new EventIndex()) {
    this.options = options;
    this.index = index;
    this.occurrences = new SlotRecencyList(index);
  }

  /**
   * Records a span just built from an event (a continuation keeps its Event's first entry) and, given its
   * event's time `timeUs` (not after the span's `lastUs`), that its Event and object are alive then, as `touch`
   * does. In one pass, so that each map is looked up once per placed event rather than three times.
   */
  remember(
    span: SpanState,
    deletion: boolean,
    timeUs?: number,
    // The record of the span's Event: the caller's when it has it (the engine looked it up once for the event).
    entry: EventSlot | undefined = span.eventUid === undefined ? undefined : this.index.get(span.eventUid),
  ): void {
    const parentSpanId = span.parent?.spanId ?? span.externalParentId;
    const uid = span.eventUid;
    const ix = this.index;
    const occurrence = entry !== undefined && ix.hasOccurrence(entry);
    if (uid !== undefined && parentSpanId !== undefined && !occurrence) {
      const e = entry ?? ix.entry(uid);
      ix.setOccurrence(e, span.trace.traceId, span.spanId, parentSpanId);
      ix.setOccurrenceLastUs(e, span.lastUs);
      this.occurrences.append(e);
      this.occurrenceCount += 1;
    }
    // A new entry, and a cause just remembered, are as late as the span already (lastUs >= its event's time).
    const caused = span.actorKey !== span.objectKey;
    if (caused) this.rememberCause(span, deletion);
    if (this.bound()) {
      if (uid !== undefined && timeUs !== undefined) this.touch(uid, span.objectKey, timeUs);
      return;
    }
    if (timeUs === undefined) return;
    if (entry !== undefined && occurrence) this.touchOccurrence(entry, timeUs);
    if (!caused) this.touchCause(span.objectKey, timeUs);
  }

  private rememberCause(span: SpanState, deletion: boolean): void {
    let slots = this.causes.get(span.objectKey);
    if (slots === undefined) {
      slots = {
        key: span.objectKey,
        other: undefined,
        deletion: undefined,
        lastUs: span.lastUs,
        older: undefined,
        newer: undefined,
      };
      this.causes.set(span.objectKey, slots);
      this.causeOrder.append(slots);
    } else this.causeOrder.bump(slots);
    const ref = { traceId: span.trace.traceId, spanId: span.spanId, actorKey: span.actorKey, startUs: span.startUs };
    if (deletion) slots.deletion = ref;
    else slots.other = ref;
    slots.lastUs = Math.max(slots.lastUs, span.lastUs);
  }

  /** Forgets the oldest object's causes. */
  private forgetOldestCause(): void {
    const slots = this.causeOrder.oldest as CauseSlots;
    this.causeOrder.unlink(slots);
    this.causes.delete(slots.key);
  }

  /** An event was placed: its Event and its object are still alive at `timeUs`. */
  touch(eventUid: string, objectKey: string, timeUs: number, entry = this.index.get(eventUid)): void {
    if (entry !== undefined && this.index.hasOccurrence(entry)) this.touchOccurrence(entry, timeUs);
    this.touchCause(objectKey, timeUs);
  }

  /** `entry` holds an occurrence. */
  private touchOccurrence(entry: EventSlot, timeUs: number): void {
    if (timeUs <= this.index.occurrenceLastUs(entry)) return;
    this.index.setOccurrenceLastUs(entry, timeUs);
    // The most recently seen: to the list's end.
    this.occurrences.bump(entry);
  }

  /** Forgets the oldest occurrence. */
  private forgetOldest(): void {
    const e = this.occurrences.oldest;
    this.occurrences.unlink(e);
    this.index.clearOccurrence(e);
    this.occurrenceCount -= 1;
    this.index.release(e);
  }

  private touchCause(objectKey: string, timeUs: number): void {
    const slots = this.causes.get(objectKey);
    if (slots === undefined || timeUs <= slots.lastUs) return;
    slots.lastUs = timeUs;
    this.causeOrder.bump(slots);
  }

  /** True when the Event's first span is remembered (see `occurrence`). */
  knows(eventUid: string, timeUs: number): boolean {
    return this.occurrence(eventUid, timeUs) !== undefined;
  }

  /** The Event's first span, if the API server still keeps the Event at `timeUs`. */
  occurrence(eventUid: string, timeUs: number, found = this.index.get(eventUid)): OccurrenceRef | undefined {
    if (found === undefined || !this.index.hasOccurrence(found)) return undefined;
    return timeUs - this.index.occurrenceLastUs(found) <= this.options.ttlUs
      ? this.index.occurrenceOf(found)
      : undefined;
  }

  /**
   * The remembered cause of an object's own event at `timeUs`: its deletion for a stop, else its creation;
   * none when the object was created after that span (a namesake) or nothing about it happened within the TTL.
   */
  objectCause(objectKey: string, timeUs: number, stops: boolean, createdUs?: number): CauseRef | undefined {
    const slots = this.causes.get(objectKey);
    if (slots === undefined || timeUs - slots.lastUs > this.options.ttlUs) return undefined;
    const ref = (stops ? slots.deletion : undefined) ?? slots.other ?? slots.deletion;
    if (ref === undefined || (createdUs !== undefined && ref.startUs + 5_000_000 < createdUs)) return undefined;
    return ref;
  }

  /** Forgets what the API server no longer keeps at `nowUs`. */
  prune(nowUs: number): void {
    const before = nowUs - this.options.ttlUs;
    while (this.occurrences.oldest >= 0 && this.index.occurrenceLastUs(this.occurrences.oldest) < before)
      this.forgetOldest();
    while (this.causeOrder.oldest !== undefined && this.causeOrder.oldest.lastUs < before) this.forgetOldestCause();
  }

  /** Entries held (Events, objects). */
  get size(): { readonly events: number; readonly objects: number } {
    return { events: this.occurrenceCount, objects: this.causes.size };
  }

  /** Keeps both maps within the capacity; true when that evicted anything. */
  private bound(): boolean {
    const { capacity } = this.options;
    if (this.occurrenceCount <= capacity && this.causes.size <= capacity) return false;
    // As evictOldest does for a map: an eighth of the capacity more than needed, in one pass.
    if (this.occurrenceCount > capacity)
      for (let n = this.occurrenceCount - capacity + (capacity >> 3); n > 0 && this.occurrences.oldest >= 0; n--)
        this.forgetOldest();
    // As evictOldest does for a map in last-seen order.
    if (this.causes.size > capacity)
      for (let n = this.causes.size - capacity + (capacity >> 3); n > 0 && this.causeOrder.oldest !== undefined; n--)
        this.forgetOldestCause();
    return true;
  }
}
