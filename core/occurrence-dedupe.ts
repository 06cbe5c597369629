import { EventIndex, type EventSlot } from './event-index.ts';
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
  private joined: EventSlot[] = [];
  private joinedBefore: EventSlot[] = [];
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
  admit(event: NormalizedEvent, found = this.index.get(event.uid)): EventSlot | undefined {
    const ix = this.index;
    const seen = found !== undefined && ix.seenGeneration(found) >= 0 ? found : undefined;
    const seenCount = seen === undefined ? 0 : ix.seenCount(seen);
    const seenTimeUs = seen === undefined ? 0 : ix.seenTimeUs(seen);
    if (seen !== undefined && event.count <= seenCount && event.timeUs <= seenTimeUs) return undefined;
    let admitted = seen;
    if (seen !== undefined && ix.seenGeneration(seen) === this.generation) {
      ix.setSeen(seen, Math.max(event.count, seenCount), Math.max(event.timeUs, seenTimeUs));
    } else {
      // New, or seen in the older generation: it joins the current one.
      // `found` is the index's record (or none) for the uid: a new record needs no second lookup.
      const e = found ?? ix.create(event.uid);
      admitted = e;
      ix.setSeen(e, Math.max(event.count, seenCount), Math.max(event.timeUs, seenTimeUs));
      if (seen === undefined) this.held += 1;
      ix.setSeenGeneration(e, this.generation);
      this.joined.push(e);
      this.current += 1;
    }
    if (this.generationUs === Number.NEGATIVE_INFINITY) this.generationUs = event.timeUs;
    if (this.current >= this.capacity / 2 || event.timeUs - this.generationUs >= this.ttlUs) {
      // The generation before is forgotten: its records that did not join the current one since. A slot released
      // and taken again by another Event is one of this list only if that Event joined the generation before too
      // (it was pushed then): once it is forgotten, its second mention finds it not held.
      for (const e of this.joinedBefore) {
        const g = ix.seenGeneration(e);
        if (g < 0 || g === this.generation) continue;
        ix.setSeenGeneration(e, -1);
        this.held -= 1;
        ix.release(e);
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
