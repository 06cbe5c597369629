import type { SpanState } from './span-state.ts';
import { evictOldest } from './evict-oldest.ts';
import { EventIndex, type EventEntry, type OccurrenceRef } from './event-index.ts';

export type { OccurrenceRef } from './event-index.ts';

/** The newest span by another actor about an object: the creation (or deletion) its own later events hang under. */
export interface CauseRef {
  readonly traceId: string;
  readonly spanId: string;
  readonly actorKey: string;
  readonly startUs: number;
}

interface CauseSlots {
  other?: CauseRef;
  deletion?: CauseRef;
  lastUs: number;
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
 * list through the records, oldest first; the objects' are a map in last-seen order.
 */
export class EventMemory {
  private readonly index: EventIndex;
  /** The records holding an occurrence, least recently seen first (linked through the records). */
  private oldest: EventEntry | undefined = undefined;
  private newest: EventEntry | undefined = undefined;
  private occurrenceCount = 0;
  private readonly causes = new Map<string, CauseSlots>();
  private readonly options: EventMemoryOptions;

  /** `index`: the engine's (shared with OccurrenceDedupe and RecentSpans), or one of its own. */
  constructor(options: EventMemoryOptions, index = new EventIndex()) {
    this.options = options;
    this.index = index;
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
    entry: EventEntry | undefined = span.eventUid === undefined ? undefined : this.index.get(span.eventUid),
  ): void {
    const parentSpanId = span.parent?.spanId ?? span.externalParentId;
    const uid = span.eventUid;
    const occurrence = entry?.occurrence;
    if (uid !== undefined && parentSpanId !== undefined && occurrence === undefined) {
      const e = entry ?? this.index.entry(uid);
      e.occurrence = {
        traceId: span.trace.traceId,
        spanId: span.spanId,
        parentSpanId,
        lastUs: span.lastUs,
      };
      this.append(e);
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
    if (entry !== undefined && occurrence !== undefined) this.touchOccurrence(entry, occurrence, timeUs);
    if (!caused) this.touchCause(span.objectKey, timeUs);
  }

  private rememberCause(span: SpanState, deletion: boolean): void {
    const slots = this.causes.get(span.objectKey) ?? { lastUs: span.lastUs };
    const ref = { traceId: span.trace.traceId, spanId: span.spanId, actorKey: span.actorKey, startUs: span.startUs };
    if (deletion) slots.deletion = ref;
    else slots.other = ref;
    slots.lastUs = Math.max(slots.lastUs, span.lastUs);
    bump(this.causes, span.objectKey, slots);
  }

  /** An event was placed: its Event and its object are still alive at `timeUs`. */
  touch(eventUid: string, objectKey: string, timeUs: number, entry = this.index.get(eventUid)): void {
    const occurrence = entry?.occurrence;
    if (entry !== undefined && occurrence !== undefined) this.touchOccurrence(entry, occurrence, timeUs);
    this.touchCause(objectKey, timeUs);
  }

  private touchOccurrence(entry: EventEntry, occurrence: OccurrenceRef, timeUs: number): void {
    if (timeUs <= occurrence.lastUs) return;
    occurrence.lastUs = timeUs;
    // The most recently seen: to the list's end.
    if (this.newest === entry) return;
    this.unlink(entry);
    this.append(entry);
  }

  /** Adds a record at the newest end of the occurrence list. */
  private append(entry: EventEntry): void {
    entry.olderOccurrence = this.newest;
    entry.newerOccurrence = undefined;
    if (this.newest === undefined) this.oldest = entry;
    else this.newest.newerOccurrence = entry;
    this.newest = entry;
  }

  private unlink(entry: EventEntry): void {
    const older = entry.olderOccurrence;
    const newer = entry.newerOccurrence;
    if (older === undefined) this.oldest = newer;
    else older.newerOccurrence = newer;
    if (newer === undefined) this.newest = older;
    else newer.olderOccurrence = older;
    entry.olderOccurrence = undefined;
    entry.newerOccurrence = undefined;
  }

  /** Forgets the oldest occurrence. */
  private forgetOldest(): void {
    const e = this.oldest as EventEntry;
    this.unlink(e);
    e.occurrence = undefined;
    this.occurrenceCount -= 1;
    this.index.release(e);
  }

  private touchCause(objectKey: string, timeUs: number): void {
    const slots = this.causes.get(objectKey);
    if (slots === undefined || timeUs <= slots.lastUs) return;
    slots.lastUs = timeUs;
    bump(this.causes, objectKey, slots);
  }

  /** True when the Event's first span is remembered (see `occurrence`). */
  knows(eventUid: string, timeUs: number): boolean {
    return this.occurrence(eventUid, timeUs) !== undefined;
  }

  /** The Event's first span, if the API server still keeps the Event at `timeUs`. */
  occurrence(eventUid: string, timeUs: number, found = this.index.get(eventUid)): OccurrenceRef | undefined {
    const ref = found?.occurrence;
    return ref !== undefined && timeUs - ref.lastUs <= this.options.ttlUs ? ref : undefined;
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
    while (this.oldest !== undefined && (this.oldest.occurrence as OccurrenceRef).lastUs < before) this.forgetOldest();
    for (const [k, v] of this.causes) {
      if (v.lastUs >= before) break;
      this.causes.delete(k);
    }
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
      for (let n = this.occurrenceCount - capacity + (capacity >> 3); n > 0 && this.oldest !== undefined; n--)
        this.forgetOldest();
    evictOldest(this.causes, capacity);
    return true;
  }
}

/** Moves the entry to the end (most recently seen). */
function bump<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
}
