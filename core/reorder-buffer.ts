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
    let i = h.length;
    h.push(item);
    // The item moves up through a hole (parents move down) rather than by swaps: the same comparisons, fewer writes.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as T;
      if (this.compare(item, parent) >= 0) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
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
    const n = h.length;
    const item = h[from] as T;
    let i = from;
    // Through a hole, as in push: each level compares the children with the item (or the smaller child), as swaps would.
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let least = item;
      if (l < n && this.compare(h[l] as T, least) < 0) {
        m = l;
        least = h[l] as T;
      }
      if (r < n && this.compare(h[r] as T, least) < 0) {
        m = r;
        least = h[r] as T;
      }
      if (m === i) break;
      h[i] = least;
      i = m;
    }
    h[i] = item;
  }

  /** Drops the items `keep` rejects (in one pass, then rebuilds the heap). */
  retain(keep: (item: T) => boolean): void {
    const h = this.heap;
    let n = 0;
    for (const item of h) if (keep(item)) h[n++] = item;
    h.length = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Calls `fn` with every item waiting, in no particular order. */
  forEach(fn: (item: T) => void): void {
    for (const item of this.heap) fn(item);
  }

  /** Number of items waiting. */
  get size(): number {
    return this.heap.length;
  }
}
