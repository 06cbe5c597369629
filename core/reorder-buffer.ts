/** A min-heap that releases items in a total order once the receive clock has moved a window past them. */
export class ReorderBuffer<T> {
  private readonly heap: T[] = [];
  private readonly compare: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.compare = compare;
  }

  /** Adds an item. */
  push(item: T): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.compare(h[i] as T, h[p] as T) >= 0) break;
      const t = h[i] as T;
      h[i] = h[p] as T;
      h[p] = t;
      i = p;
    }
  }

  /** The smallest item, without removing it. */
  peek(): T | undefined {
    return this.heap[0];
  }

  /** Removes and returns the smallest item. */
  pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(from: number): void {
    const h = this.heap;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.compare(h[l] as T, h[m] as T) < 0) m = l;
      if (r < h.length && this.compare(h[r] as T, h[m] as T) < 0) m = r;
      if (m === i) break;
      const t = h[i] as T;
      h[i] = h[m] as T;
      h[m] = t;
      i = m;
    }
  }

  /** Drops the items `keep` rejects (in one pass, then rebuilds the heap). */
  retain(keep: (item: T) => boolean): void {
    const h = this.heap;
    let n = 0;
    for (const item of h) if (keep(item)) h[n++] = item;
    h.length = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Number of items waiting. */
  get size(): number {
    return this.heap.length;
  }
}
