import type { NormalizedEvent } from './normalized-event.ts';

interface Seen {
  count: number;
  timeUs: number;
  /** The generation the entry belongs to (see OccurrenceDedupe). */
  generation: number;
}

/**
 * The occurrences of Events already placed, so that a re-delivery (a watch re-list, a duplicate) is
 * dropped. Kept in two generations, so that memory is bounded: a new generation starts when the current one
 * holds half the capacity, or spans the Event TTL (what is older was deleted by the API server and cannot be
 * delivered again), and the generation before it is then forgotten. Both live in one map, in generation order
 * (an entry seen again in the current generation moves to its end), so that a new Event costs one lookup, not
 * one per generation; the older generation is its front, forgotten in one pass.
 */
export class OccurrenceDedupe {
  private readonly seen = new Map<string, Seen>();
  private readonly capacity: number;
  private readonly ttlUs: number;
  private generation = 0;
  /** Entries of the current generation. */
  private current = 0;
  private generationUs = Number.NEGATIVE_INFINITY;

  constructor(capacity: number, ttlUs = Number.POSITIVE_INFINITY) {
    this.capacity = capacity;
    this.ttlUs = ttlUs;
  }

  /** Occurrences remembered. */
  get size(): number {
    return this.seen.size;
  }

  /**
   * True when this occurrence (count and time no newer than one placed already) was seen before;
   * otherwise remembers it and returns false.
   */
  isDuplicate(event: NormalizedEvent): boolean {
    const seen = this.seen.get(event.uid);
    if (seen !== undefined && event.count <= seen.count && event.timeUs <= seen.timeUs) return true;
    if (seen !== undefined && seen.generation === this.generation) {
      seen.count = Math.max(event.count, seen.count);
      seen.timeUs = Math.max(event.timeUs, seen.timeUs);
    } else {
      // New, or seen in the older generation: it joins the current one, at the end.
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
