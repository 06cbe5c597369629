/**
 * One copy of each short, often repeated string (namespaces, reasons, components, kinds, span names): every
 * parsed Event brings its own copies, and the spans the engine holds keep them. Only identity changes, never a
 * value, so nothing the engine emits depends on it. Bounded: at `capacity` distinct strings the pool starts over.
 */
export class StringPool {
  private readonly pool = new Map<string, string>();
  private readonly capacity: number;
  private readonly maxLength: number;

  constructor(capacity = 4096, maxLength = 64) {
    this.capacity = capacity;
    this.maxLength = maxLength;
  }

  /** The pooled copy last answered for each slot (see `intern`). */
  private readonly lastBySlot: string[] = [];

  /**
   * The pooled copy of `s` (`s` itself the first time, or when it is too long to be worth pooling). A caller that
   * interns one field of every record in turn (an Event's reason, its component) names it by a small `slot`: the copy
   * answered last for that slot is compared first, without hashing `s` (consecutive Events repeat most fields).
   */
  intern<S extends string>(s: S, slot = -1): S {
    if (s.length > this.maxLength) return s;
    if (slot >= 0) {
      const last = this.lastBySlot[slot];
      if (last === s) return last as S;
    }
    let pooled = this.pool.get(s);
    if (pooled === undefined) {
      if (this.pool.size >= this.capacity) this.pool.clear();
      this.pool.set(s, s);
      pooled = s;
    }
    if (slot >= 0) this.lastBySlot[slot] = pooled;
    return pooled as S;
  }

  /** Distinct strings held. */
  get size(): number {
    return this.pool.size;
  }
}
