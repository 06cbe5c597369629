import { StringSlotIndex } from './string-slot-index.ts';

/**
 * A map from string keys to values, for one the engine adds keys to and deletes keys from all the time (the
 * objects with open spans in a flood): the values in an array by slot, found through a StringSlotIndex (8 to 16
 * bytes an entry, where such a Map keeps 56 to 112). No iteration: what it is used for never needs one.
 */
export class StringTable<T> {
  private readonly index: StringSlotIndex;
  private values: (T | undefined)[] = [];
  private readonly free: number[] = [];

  /** `fullSlots`: the keys it holds at most, as far as its owner's capacities say (StringSlotIndex). */
  constructor(fullSlots = 0) {
    this.index = new StringSlotIndex(fullSlots);
  }

  get size(): number {
    return this.index.size;
  }

  get(key: string): T | undefined {
    const slot = this.index.get(key);
    return slot === undefined ? undefined : this.values[slot];
  }

  /** Holds `value` at `key`, in place of what it held. */
  set(key: string, value: T): void {
    const held = this.index.get(key);
    if (held !== undefined) {
      this.values[held] = value;
      return;
    }
    const slot = this.free.pop() ?? this.values.length;
    if (slot === this.values.length) this.values.push(value);
    else this.values[slot] = value;
    this.index.set(key, slot);
  }

  delete(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    this.index.deleteSlot(slot);
    this.values[slot] = undefined;
    this.free.push(slot);
    return true;
  }

  clear(): void {
    this.index.clear();
    this.values = [];
    this.free.length = 0;
  }
}
