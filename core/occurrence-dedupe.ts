import { EventIndex, type EventEntry } from './event-index.ts';
import type { NormalizedEvent } from './normalized-event.ts';

/**
 * The occurrences of Events already placed, so that a re-delivery (a watch re-list, a duplicate) is
 * dropped. Kept in two generations, so that memory is bounded: a new generation starts when the current one
 * holds half the capacity, or spans the Event TTL (what is older was deleted by the API server and cannot be
 * delivered again), and the generation before it is then forgotten. The occurrences are parts of the engine's
 * EventIndex records (one lookup of the uid for all that the engine holds about an Event); each generation's list
 * says which records joined it, so forgetting the older one reads that list, not the map.
 */
export class OccurrenceDedupe {
  private readonly index: EventIndex;
  private readonly capacity: number;
  private readonly ttlUs: number;
  private generation = 0;
  /** Entries of the current generation. */
  private current = 0;
  private generationUs = Number.NEGATIVE_INFINITY;
  /** Records that joined the current generation, and the one before (some moved on to the current one since). */
  private joined: EventEntry[] = [];
  private joinedBefore: EventEntry[] = [];
  private held = 0;

  /** `index`: the engine's (shared with RecentSpans and EventMemory), or one of its own. */
  constructor(capacity: number, ttlUs = Number.POSITIVE_INFINITY, index = new EventIndex()) {
    this.capacity = capacity;
    this.ttlUs = ttlUs;
    this.index = index;
  }

  /** Occurrences remembered. */
  get size(): number {
    return this.held;
  }

  /**
   * True when this occurrence (count and time no newer than one placed already) was seen before;
   * otherwise remembers it and returns false.
   */
  isDuplicate(event: NormalizedEvent): boolean {
    return this.admit(event) === undefined;
  }

  /**
   * As isDuplicate, for the engine: undefined for a duplicate, else the Event's record, which then holds this
   * occurrence (so that the rest of the placement reads it without looking the uid up again). `found` is the
   * record the index holds for the uid, when the caller looked it up already.
   */
  admit(event: NormalizedEvent, found = this.index.get(event.uid)): EventEntry | undefined {
    const seen = found !== undefined && found.seenGeneration >= 0 ? found : undefined;
    if (seen !== undefined && event.count <= seen.seenCount && event.timeUs <= seen.seenTimeUs) return undefined;
    let admitted = seen;
    if (seen !== undefined && seen.seenGeneration === this.generation) {
      seen.seenCount = Math.max(event.count, seen.seenCount);
      seen.seenTimeUs = Math.max(event.timeUs, seen.seenTimeUs);
    } else {
      // New, or seen in the older generation: it joins the current one.
      // `found` is the index's record (or none) for the uid: a new record needs no second lookup.
      const e = found ?? this.index.create(event.uid);
      admitted = e;
      e.seenCount = Math.max(event.count, seen?.seenCount ?? 0);
      e.seenTimeUs = Math.max(event.timeUs, seen?.seenTimeUs ?? 0);
      if (seen === undefined) this.held += 1;
      e.seenGeneration = this.generation;
      this.joined.push(e);
      this.current += 1;
    }
    if (this.generationUs === Number.NEGATIVE_INFINITY) this.generationUs = event.timeUs;
    if (this.current >= this.capacity / 2 || event.timeUs - this.generationUs >= this.ttlUs) {
      // The generation before is forgotten: its records that did not join the current one since.
      for (const e of this.joinedBefore) {
        if (e.seenGeneration < 0 || e.seenGeneration === this.generation) continue;
        e.seenGeneration = -1;
        this.held -= 1;
        this.index.release(e);
      }
      this.joinedBefore = this.joined;
      this.joined = [];
      this.generation += 1;
      this.current = 0;
      this.generationUs = Math.max(this.generationUs, event.timeUs);
    }
    return admitted;
  }
}
