import { grownLength } from './column-growth.ts';

/**
 * Numbers by slot in one Float64Array (`columns` a slot), for the engine's long-lived maps: a Map from a key to a
 * slot costs the map's entry alone, where a Map to an object of numbers costs the object and a boxed number per
 * time as well (about 64 bytes an entry more). A slot is taken with `alloc`, given back with `release` (and
 * reused); storage grows by doubling, to `fullSlots` in one step once past a heap block (column-growth.ts).
 */
export class SlotColumns {
  private values: Float64Array;
  private readonly columns: number;
  private readonly free: number[] = [];
  private next = 0;
  private readonly fullSlots: number;

  /** `fullSlots`: the slots its owner's capacity needs (0: grown twofold throughout). */
  constructor(columns: number, initialSlots = 64, fullSlots = 0) {
    this.columns = columns;
    this.values = new Float64Array(columns * initialSlots);
    this.fullSlots = fullSlots;
  }

  /** Slots in use. */
  get size(): number {
    return this.next - this.free.length;
  }

  /** A free slot (its values are whatever was last written there: set them). */
  alloc(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const slot = this.next++;
    if ((slot + 1) * this.columns > this.values.length) {
      const grown = new Float64Array(grownLength(this.values.length, 8, this.columns * this.fullSlots));
      grown.set(this.values);
      this.values = grown;
    }
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  get(slot: number, column: number): number {
    return this.values[slot * this.columns + column] as number;
  }

  set(slot: number, column: number, value: number): void {
    this.values[slot * this.columns + column] = value;
  }
}
