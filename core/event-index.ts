import type { SpanState } from './span-state.ts';
import { StringSlotIndex } from './string-slot-index.ts';

/** Where a later occurrence of an Event continues: its first span's trace and parent. */
export interface OccurrenceRef {
  readonly traceId: string;
  /** The first span of the Event (a continuation links to it in `kspan.continues`). */
  readonly spanId: string;
  readonly parentSpanId: string;
}

/**
 * An Event's record in an EventIndex: a slot number, valid while the index holds the record (a released slot is
 * reused by a later Event, so a holder of a slot checks it still names what it holds, as RecentSpans does).
 */
export type EventSlot = number;

/** The number columns of a slot (Float64Array): OccurrenceDedupe's count and time, EventMemory's last-seen time. */
const SEEN_COUNT = 0;
const SEEN_TIME = 1;
const OCCURRENCE_LAST = 2;
const NUMBERS = 3;
/** The integer columns of a slot (Int32Array): the dedupe's generation, EventMemory's last-seen links. */
const SEEN_GENERATION = 0;
const OLDER = 1;
const NEWER = 2;
const INTS = 3;
/** No slot (an end of EventMemory's list, or of the free list). */
const NONE = -1;

/**
 * The engine's Events by uid: one map that OccurrenceDedupe, RecentSpans and EventMemory share, so that an event
 * costs one lookup of its uid instead of about ten in three maps of up to 200,000 entries (a lookup in a map that
 * large is a cache miss or two: ten times one in a small map). Their orders (generations, last-seen) are kept in
 * the records themselves, not in the map's insertion order.
 *
 * A record is a slot, not an object: its numbers in typed-array columns, its span and first span in arrays by slot,
 * and uids are found in a StringSlotIndex (a Map this size, with Events coming and going, costs 56-112 bytes an
 * entry). An object per record cost 88 bytes and a boxed time 16 more (a time in microseconds is no small integer),
 * its first span's last-seen time another boxed number: up to 200,000 records (the dedupe's capacity) in a
 * unique-UID flood. What each part holds is set and cleared by its
 * owner only (OccurrenceDedupe: seen*, RecentSpans: span, EventMemory: occurrence and its links); the record goes
 * when no part is held.
 */
export class EventIndex {
  /** Uid to slot, and each slot's uid. */
  private readonly slots = new StringSlotIndex();
  private spans: (SpanState | undefined)[] = [];
  private occurrences: (OccurrenceRef | undefined)[] = [];
  private numbers = new Float64Array(NUMBERS * 64);
  private ints = new Int32Array(INTS * 64);
  /** Released slots, linked through their OLDER column (NONE: none). */
  private freeHead = NONE;
  private next = 0;

  /** The record of this Event, if any part is held. */
  get(uid: string): EventSlot | undefined {
    return this.slots.get(uid);
  }

  /** The record of this Event, made if needed: the caller sets its part at once. */
  entry(uid: string): EventSlot {
    const e = this.slots.get(uid);
    return e === undefined ? this.create(uid) : e;
  }

  /** A new record for an Event the index holds none for (the caller has just looked it up): one lookup less. */
  create(uid: string): EventSlot {
    let slot = this.freeHead;
    if (slot !== NONE) this.freeHead = this.ints[slot * INTS + OLDER] as number;
    else {
      slot = this.next++;
      if (slot * INTS >= this.ints.length) this.grow();
      this.spans.push(undefined);
      this.occurrences.push(undefined);
    }
    const n = slot * NUMBERS;
    this.numbers[n + SEEN_COUNT] = 0;
    this.numbers[n + SEEN_TIME] = 0;
    this.numbers[n + OCCURRENCE_LAST] = 0;
    const i = slot * INTS;
    this.ints[i + SEEN_GENERATION] = -1;
    this.ints[i + OLDER] = NONE;
    this.ints[i + NEWER] = NONE;
    this.slots.set(uid, slot);
    return slot;
  }

  private grow(): void {
    const numbers = new Float64Array(this.numbers.length * 2);
    numbers.set(this.numbers);
    this.numbers = numbers;
    const ints = new Int32Array(this.ints.length * 2);
    ints.set(this.ints);
    this.ints = ints;
  }

  /** Lets the record go once no part of it is held (each owner calls this after clearing its part). */
  release(e: EventSlot): void {
    if (
      this.slots.keyOf(e) === undefined ||
      (this.ints[e * INTS + SEEN_GENERATION] as number) >= 0 ||
      this.spans[e] !== undefined ||
      this.occurrences[e] !== undefined
    )
      return;
    this.slots.deleteSlot(e);
    this.ints[e * INTS + OLDER] = this.freeHead;
    this.freeHead = e;
  }

  /** The Event's uid (undefined once the slot was released). */
  uidOf(e: EventSlot): string | undefined {
    return this.slots.keyOf(e);
  }

  /** RecentSpans' part: the Event's span, while it is a candidate parent. */
  spanOf(e: EventSlot): SpanState | undefined {
    return this.spans[e];
  }

  setSpan(e: EventSlot, span: SpanState | undefined): void {
    this.spans[e] = span;
  }

  /** OccurrenceDedupe's part: the newest count and time placed, in generation `seenGeneration` (-1: not held). */
  seenCount(e: EventSlot): number {
    return this.numbers[e * NUMBERS + SEEN_COUNT] as number;
  }

  seenTimeUs(e: EventSlot): number {
    return this.numbers[e * NUMBERS + SEEN_TIME] as number;
  }

  seenGeneration(e: EventSlot): number {
    return this.ints[e * INTS + SEEN_GENERATION] as number;
  }

  setSeen(e: EventSlot, count: number, timeUs: number): void {
    this.numbers[e * NUMBERS + SEEN_COUNT] = count;
    this.numbers[e * NUMBERS + SEEN_TIME] = timeUs;
  }

  setSeenGeneration(e: EventSlot, generation: number): void {
    this.ints[e * INTS + SEEN_GENERATION] = generation;
  }

  /** EventMemory's part: the Event's first span, and when the Event was last seen. */
  occurrenceOf(e: EventSlot): OccurrenceRef | undefined {
    return this.occurrences[e];
  }

  setOccurrence(e: EventSlot, ref: OccurrenceRef | undefined): void {
    this.occurrences[e] = ref;
  }

  occurrenceLastUs(e: EventSlot): number {
    return this.numbers[e * NUMBERS + OCCURRENCE_LAST] as number;
  }

  setOccurrenceLastUs(e: EventSlot, timeUs: number): void {
    this.numbers[e * NUMBERS + OCCURRENCE_LAST] = timeUs;
  }

  /** EventMemory's last-seen links (-1: none). */
  olderOf(e: EventSlot): EventSlot {
    return this.ints[e * INTS + OLDER] as number;
  }

  newerOf(e: EventSlot): EventSlot {
    return this.ints[e * INTS + NEWER] as number;
  }

  setLinks(e: EventSlot, older: EventSlot, newer: EventSlot): void {
    this.ints[e * INTS + OLDER] = older;
    this.ints[e * INTS + NEWER] = newer;
  }

  setOlder(e: EventSlot, older: EventSlot): void {
    this.ints[e * INTS + OLDER] = older;
  }

  setNewer(e: EventSlot, newer: EventSlot): void {
    this.ints[e * INTS + NEWER] = newer;
  }

  /** Every record, for an owner clearing its part of all of them. */
  forEach(visit: (e: EventSlot) => void): void {
    this.slots.forEachSlot(visit);
  }

  /** Forgets every record (the engine's close: nothing is placed after it). */
  clear(): void {
    this.slots.clear();
    this.spans = [];
    this.occurrences = [];
    this.numbers = new Float64Array(NUMBERS * 64);
    this.ints = new Int32Array(INTS * 64);
    this.freeHead = NONE;
    this.next = 0;
  }

  /** Records held. */
  get size(): number {
    return this.slots.size;
  }
}

/** Records of an EventIndex in last-seen order, oldest first, as a list through their link columns. */
export class SlotRecencyList {
  private readonly index: EventIndex;
  /** The oldest and newest records (-1: the list is empty). */
  oldest: EventSlot = NONE;
  newest: EventSlot = NONE;

  constructor(index: EventIndex) {
    this.index = index;
  }

  /** Adds a record (not in the list) at the newest end. */
  append(e: EventSlot): void {
    const ix = this.index;
    ix.setLinks(e, this.newest, NONE);
    if (this.newest === NONE) this.oldest = e;
    else ix.setNewer(this.newest, e);
    this.newest = e;
  }

  /** Takes a record out of the list; one that is not in it is left alone. */
  unlink(e: EventSlot): void {
    const ix = this.index;
    const older = ix.olderOf(e);
    const newer = ix.newerOf(e);
    if (older === NONE && newer === NONE && this.oldest !== e) return;
    if (older === NONE) this.oldest = newer;
    else ix.setNewer(older, newer);
    if (newer === NONE) this.newest = older;
    else ix.setOlder(newer, older);
    ix.setLinks(e, NONE, NONE);
  }

  /** Moves a record of the list to the newest end (just seen). */
  bump(e: EventSlot): void {
    if (this.newest === e) return;
    this.unlink(e);
    this.append(e);
  }
}
