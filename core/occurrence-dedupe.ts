import type { NormalizedEvent } from './normalized-event.ts';

interface Seen {
  count: number;
  timeUs: number;
}

/**
 * The occurrences of Events already placed, so that a re-delivery (a watch re-list, a duplicate) is
 * dropped. Kept in two generations, so that forgetting the oldest half is O(1) and memory is bounded.
 */
export class OccurrenceDedupe {
  private seen = new Map<string, Seen>();
  private seenBefore = new Map<string, Seen>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /**
   * True when this occurrence (count and time no newer than one placed already) was seen before;
   * otherwise remembers it and returns false.
   */
  isDuplicate(event: NormalizedEvent): boolean {
    const seen = this.seen.get(event.uid) ?? this.seenBefore.get(event.uid);
    if (seen !== undefined && event.count <= seen.count && event.timeUs <= seen.timeUs) return true;
    if (seen !== undefined && this.seen.get(event.uid) === seen) {
      seen.count = Math.max(event.count, seen.count);
      seen.timeUs = Math.max(event.timeUs, seen.timeUs);
    } else {
      this.seen.set(event.uid, {
        count: Math.max(event.count, seen?.count ?? 0),
        timeUs: Math.max(event.timeUs, seen?.timeUs ?? 0),
      });
    }
    if (this.seen.size >= this.capacity / 2) {
      this.seenBefore = this.seen;
      this.seen = new Map();
    }
    return false;
  }
}
