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

  /** The pooled copy of `s` (`s` itself the first time, or when it is too long to be worth pooling). */
  intern<S extends string>(s: S): S {
    if (s.length > this.maxLength) return s;
    const pooled = this.pool.get(s);
    if (pooled !== undefined) return pooled as S;
    if (this.pool.size >= this.capacity) this.pool.clear();
    this.pool.set(s, s);
    return s;
  }

  /** Distinct strings held. */
  get size(): number {
    return this.pool.size;
  }
}
