/**
 * One flat copy of each join of two short strings (a reporter's component and instance, a span's kind and
 * reason), found by two lookups on the parts instead of built per event: a template makes a rope, which a Map
 * lookup flattens into a new string each time, and its hash is computed again. The parts are pooled strings
 * (their hashes are kept), so a hit allocates nothing. Bounded: at `capacity` pairs it starts over. Only identity
 * changes, never a value.
 */
export class PairKeys {
  private readonly byFirst = new Map<string, Map<string, string>>();
  private readonly separator: string;
  private readonly capacity: number;
  private pairs = 0;

  constructor(separator: string, capacity = 4096) {
    this.separator = separator;
    this.capacity = capacity;
  }

  /** `first + separator + second`, the same string object while it is held. */
  of(first: string, second: string): string {
    let inner = this.byFirst.get(first);
    const found = inner?.get(second);
    if (found !== undefined) return found;
    if (this.pairs >= this.capacity) {
      this.byFirst.clear();
      this.pairs = 0;
      inner = undefined;
    }
    if (inner === undefined) {
      inner = new Map();
      this.byFirst.set(first, inner);
    }
    // join makes a flat string (see objectKey).
    const joined = [first, second].join(this.separator);
    inner.set(second, joined);
    this.pairs += 1;
    return joined;
  }

  /** Pairs held. */
  get size(): number {
    return this.pairs;
  }
}
