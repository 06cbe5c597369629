import type { NormalizedEvent } from './normalized-event.ts';

interface Seen {
  count: number;
  timeUs: number;
}

/**
 * The occurrences of Events already placed, so that a re-delivery (a watch re-list, a duplicate) is
 * dropped. Kept in two generations, so that forgetting the oldest half is O(1) and memory is bounded: a new
 * generation starts when the current one holds half the capacity, or spans the Event TTL (what is older was
 * deleted by the API server and cannot be delivered again).
 */
export class OccurrenceDedupe {
  private seen = new Map<string, Seen>();
  private seenBefore = new Map<string, Seen>();
  private readonly capacity: number;
  private readonly ttlUs: number;
  private generationUs = Number.NEGATIVE_INFINITY;

  constructor(capacity: number, ttlUs = Number.POSITIVE_INFINITY) {
    this.capacity = capacity;
    this.ttlUs = ttlUs;
  }

  /** Occurrences remembered. */
  get size(): number {
    return this.seen.size + this.seenBefore.size;
  }

  /**
   * True when this occurrence (count and time no newer than one placed already) was seen before;
   * otherwise remembers it and returns false.
   */
  isDuplicate(event: NormalizedEvent): boolean {
    const current = this.seen.get(event.uid);
    const seen = current ?? this.seenBefore.get(event.uid);
    if (seen !== undefined && event.count <= seen.count && event.timeUs <= seen.timeUs) return true;
    if (current !== undefined) {
      current.count = Math.max(event.count, current.count);
      current.timeUs = Math.max(event.timeUs, current.timeUs);
    } else {
      this.seen.set(event.uid, {
        count: Math.max(event.count, seen?.count ?? 0),
        timeUs: Math.max(event.timeUs, seen?.timeUs ?? 0),
      });
    }
    if (this.generationUs === Number.NEGATIVE_INFINITY) this.generationUs = event.timeUs;
    if (this.seen.size >= this.capacity / 2 || event.timeUs - this.generationUs >= this.ttlUs) {
      this.seenBefore = this.seen;
      this.seen = new Map();
      this.generationUs = Math.max(this.generationUs, event.timeUs);
    }
    return false;
  }
}
