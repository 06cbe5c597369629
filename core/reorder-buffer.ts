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
      [h[i], h[p]] = [h[p] as T, h[i] as T];
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
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.compare(h[l] as T, h[m] as T) < 0) m = l;
        if (r < h.length && this.compare(h[r] as T, h[m] as T) < 0) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as T, h[i] as T];
        i = m;
      }
    }
    return top;
  }

  /** Number of items waiting. */
  get size(): number {
    return this.heap.length;
  }
}
