import { grownLength, powerOfTwoAtLeast } from './column-growth.ts';
import { keyOfUuidWords, sameUuidWords, UUID_WORDS, uuidWordsOf } from './uuid-words.ts';

/**
 * String keys to slot numbers (small integers the caller allocates), for the engine's largest long-lived maps: an
 * open-addressing table of slot numbers (4 bytes a place, at most half full) and each slot's key and hash by slot.
 * A Map that keys are added to and deleted from all the time (the newest Events in, the oldest out) keeps between
 * two and four times as many places as entries at 28 bytes a place (its table is rebuilt twice as large whenever
 * it fills with more than half live), 56 to 112 bytes an entry: 7.3 MB for the 100,000 to 200,000 Events a flood
 * keeps; this table 8 to 16 bytes an entry, plus the key's reference and hash (12 bytes a slot). A key that is a
 * UUID (an Event's uid, a root's `uid:generation`) is held as its words (uuid-words.ts: 20 bytes a slot), not as its
 * string (56 or 64 bytes): most of the flood's 200,000 Event uids and 100,000 forgotten roots are held here alone.
 */
export class StringSlotIndex {
  /** Slot + 1 at each place (0: empty); linear probing, deletion by backward shift (no tombstones). */
  private table = new Int32Array(64);
  private mask = 63;
  private count = 0;
  /** Each slot's key; null when it is held in `words` instead (a UUID), undefined when the slot holds none. */
  private keys: (string | null | undefined)[] = [];
  private hashes = new Int32Array(64);
  private words = new Uint32Array(UUID_WORDS * 64);
  /** The words of the key looked up, when it is a UUID. */
  private readonly scratch = new Uint32Array(UUID_WORDS);
  /** The slots its owner's capacity needs, and the table's places for them (column-growth.ts; 0: grown twofold). */
  private readonly fullSlots: number;
  private readonly fullPlaces: number;

  /**
   * `fullSlots`: the slots its owner holds at most, as far as its capacities say (0 when they do not): the columns
   * and the table grow to that in one step once past a heap block, and the table never shrinks below it again.
   */
  constructor(fullSlots = 0) {
    this.fullSlots = fullSlots;
    this.fullPlaces = fullSlots === 0 ? 0 : powerOfTwoAtLeast(fullSlots * 2);
  }

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  /** The slot of `key`, if held. */
  get(key: string): number | undefined {
    const h = hashOf(key);
    const table = this.table;
    const mask = this.mask;
    // 0: not read yet, 1: `key` is a UUID (its words in scratch), 2: it is not. Read only when a held UUID's hash
    // matches: a lookup that finds nothing (a new Event's uid) never reads it.
    let uuid = 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const at = table[i] as number;
      if (at === 0) return undefined;
      const slot = at - 1;
      if (this.hashes[slot] !== h) continue;
      const held = this.keys[slot];
      if (held === key) return slot;
      if (held !== null) continue;
      if (uuid === 0) uuid = uuidWordsOf(key, this.scratch, 0) ? 1 : 2;
      if (uuid === 1 && sameUuidWords(this.words, slot * UUID_WORDS, this.scratch, 0)) return slot;
    }
  }

  /** Holds `key` at `slot` (the key is not held, the slot holds no key). */
  set(key: string, slot: number): void {
    if ((this.count + 1) * 2 > this.table.length) this.resize(grownLength(this.table.length, 4, this.fullPlaces));
    while (slot >= this.hashes.length) {
      const slots = grownLength(this.hashes.length, UUID_WORDS * 4, this.fullSlots);
      const grown = new Int32Array(slots);
      grown.set(this.hashes);
      this.hashes = grown;
      const words = new Uint32Array(UUID_WORDS * slots);
      words.set(this.words);
      this.words = words;
    }
    while (this.keys.length <= slot) this.keys.push(undefined);
    const h = hashOf(key);
    this.keys[slot] = uuidWordsOf(key, this.words, slot * UUID_WORDS) ? null : key;
    this.hashes[slot] = h;
    this.place(slot, h);
    this.count += 1;
  }

  /** The key held at `slot` (undefined when none). */
  keyOf(slot: number): string | undefined {
    const held = this.keys[slot];
    return held === null ? keyOfUuidWords(this.words, slot * UUID_WORDS) : held;
  }

  /** Whether `slot` holds a key (keyOf without writing a UUID's text out). */
  holds(slot: number): boolean {
    return this.keys[slot] !== undefined;
  }

  /** Lets go of the key held at `slot`, if any. */
  deleteSlot(slot: number): void {
    const key = this.keys[slot];
    if (key === undefined) return;
    const table = this.table;
    const mask = this.mask;
    let i = (this.hashes[slot] as number) & mask;
    while ((table[i] as number) !== slot + 1) i = (i + 1) & mask;
    // Backward shift: each later entry of the run that may sit at `i` moves there, so no lookup stops early.
    for (let j = (i + 1) & mask; (table[j] as number) !== 0; j = (j + 1) & mask) {
      const home = (this.hashes[(table[j] as number) - 1] as number) & mask;
      // Moves unless its home is cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        table[i] = table[j] as number;
        i = j;
      }
    }
    table[i] = 0;
    this.keys[slot] = undefined;
    this.count -= 1;
    if (this.table.length > Math.max(64, this.fullPlaces) && this.count * 8 < this.table.length)
      this.resize(this.table.length / 2);
  }

  /** Every slot holding a key, in slot order. */
  forEachSlot(visit: (slot: number) => void): void {
    for (let s = 0; s < this.keys.length; s++) if (this.keys[s] !== undefined) visit(s);
  }

  /** Holds nothing. */
  clear(): void {
    this.table = new Int32Array(64);
    this.mask = 63;
    this.count = 0;
    this.keys = [];
    this.hashes = new Int32Array(64);
    this.words = new Uint32Array(UUID_WORDS * 64);
  }

  private place(slot: number, h: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = h & mask;
    while ((table[i] as number) !== 0) i = (i + 1) & mask;
    table[i] = slot + 1;
  }

  private resize(places: number): void {
    const old = this.table;
    this.table = new Int32Array(places);
    this.mask = places - 1;
    for (let i = 0; i < old.length; i++) {
      const at = old[i] as number;
      if (at !== 0) this.place(at - 1, this.hashes[at - 1] as number);
    }
  }
}

/** FNV-1a over the UTF-16 code units, with MurmurHash3's finalizer (the low bits pick the place). */
export function hashOf(key: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
