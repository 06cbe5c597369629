import { grownLength } from './column-growth.ts';

/**
 * The trace assembler's due queue: a min-heap of (time, item, token) entries by time, in columns (the times in a
 * Float64Array, the tokens in an Int32Array, the items in an array) rather than an object per entry. Each held
 * trace has an entry or two, and an entry object was 48 bytes and its boxed time 16 more (a time in microseconds is
 * no small integer): in a unique-UID flood about 50,000 of them, all surviving to the old space. Entries move as
 * ReorderBuffer moves its items (the same heap, through a hole), so that the same pushes and pops give the same
 * order, ties included. A token is a trace's dueToken, the count of its reschedules: a few, never near 2^31 (a
 * trace lives an hour at most).
 */
export class DueQueue<T> {
  private times = new Float64Array(64);
  private tokens = new Int32Array(64);
  private items: (T | undefined)[] = [];
  private n = 0;
  /** The entries its owner's capacity needs (0: grown twofold only), as column-growth.ts grows columns to. */
  private readonly fullLength: number;

  constructor(fullLength = 0) {
    this.fullLength = fullLength;
  }

  /** Number of entries. */
  get size(): number {
    return this.n;
  }

  /** The earliest entry's time (+Infinity when empty). */
  get headUs(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : (this.times[0] as number);
  }

  /** The earliest entry's item (undefined when empty). */
  get headItem(): T | undefined {
    return this.n === 0 ? undefined : this.items[0];
  }

  /** The earliest entry's token (0 when empty). */
  get headToken(): number {
    return this.n === 0 ? 0 : (this.tokens[0] as number);
  }

  push(atUs: number, item: T, token: number): void {
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const times = this.times;
    // Up through a hole (parents move down), as ReorderBuffer.push.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (atUs - (times[p] as number) >= 0) break;
      this.move(p, i);
      i = p;
    }
    this.set(i, atUs, item, token);
  }

  /** Removes the earliest entry (read it with headUs, headItem and headToken first). */
  pop(): void {
    const last = --this.n;
    if (last < 0) {
      this.n = 0;
      return;
    }
    const atUs = this.times[last] as number;
    const item = this.items[last] as T;
    const token = this.tokens[last] as number;
    this.items[last] = undefined;
    if (last > 0) this.siftDown(0, atUs, item, token);
  }

  /** Drops the entries `keep` rejects (in one pass, then rebuilds the heap, as ReorderBuffer.retain). */
  retain(keep: (item: T, token: number) => boolean): void {
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      const item = this.items[i] as T;
      const token = this.tokens[i] as number;
      if (keep(item, token)) this.set(m++, this.times[i] as number, item, token);
    }
    for (let i = m; i < this.n; i++) this.items[i] = undefined;
    this.n = m;
    for (let i = (m >> 1) - 1; i >= 0; i--)
      this.siftDown(i, this.times[i] as number, this.items[i] as T, this.tokens[i] as number);
  }

  /** Drops every entry. */
  clear(): void {
    this.items = [];
    this.n = 0;
  }

  /** Puts (atUs, item, token) at `from` or below it, as ReorderBuffer.siftDown moves its item. */
  private siftDown(from: number, atUs: number, item: T, token: number): void {
    const times = this.times;
    const n = this.n;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let least = atUs;
      if (l < n && (times[l] as number) - least < 0) {
        m = l;
        least = times[l] as number;
      }
      if (r < n && (times[r] as number) - least < 0) m = r;
      if (m === i) break;
      this.move(m, i);
      i = m;
    }
    this.set(i, atUs, item, token);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.tokens[to] = this.tokens[from] as number;
    this.items[to] = this.items[from];
  }

  private set(i: number, atUs: number, item: T, token: number): void {
    this.times[i] = atUs;
    this.tokens[i] = token;
    this.items[i] = item;
  }

  private grow(): void {
    const length = grownLength(this.times.length, 8, this.fullLength);
    const times = new Float64Array(length);
    times.set(this.times);
    this.times = times;
    const tokens = new Int32Array(length);
    tokens.set(this.tokens);
    this.tokens = tokens;
  }
}
