import type { SpanState } from './span-state.ts';
import { idOfWords, wordsOfId } from './ids.ts';
import { NO_SLOT, type SlotLinks } from './slot-recency-list.ts';
import { StringSlotIndex } from './string-slot-index.ts';
import { grownLength } from './column-growth.ts';

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
/** What the slot's first span is held as: NO_OCCURRENCE, IN_WORDS (`ids`), or AS_TEXT (`texts`). */
const OCCURRENCE = 3;
const INTS = 4;
const NO_OCCURRENCE = 0;
const IN_WORDS = 1;
const AS_TEXT = 2;
/** The words of a slot's first span's IDs (Uint32Array): its trace ID's four, its span ID's two, its parent's two. */
const TRACE_WORDS = 0;
const SPAN_WORDS = 4;
const PARENT_WORDS = 6;
const ID_WORDS = 8;

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
export class EventIndex implements SlotLinks {
  /** Uid to slot, and each slot's uid. */
  private readonly slots: StringSlotIndex;
  private spans: (SpanState | undefined)[] = [];
  /**
   * The first spans' IDs as numbers (32 bytes a slot), not their strings: most of the flood's remembered first spans
   * outlive their spans and traces, and their three ID strings cost 112 bytes and the object holding them 48. One
   * whose IDs are not all lower-case hex (an annotation's) is kept as it is in `texts`.
   */
  private ids = new Uint32Array(ID_WORDS * 64);
  private readonly texts = new Map<EventSlot, OccurrenceRef>();
  private numbers = new Float64Array(NUMBERS * 64);
  private ints = new Int32Array(INTS * 64);
  /** Released slots, linked through their OLDER column (NO_SLOT: none). */
  private freeHead = NO_SLOT;
  private next = 0;
  private readonly fullSlots: number;

  /**
   * `fullSlots`: the records its owners hold at most, as far as their capacities say (0: grown twofold): the columns
   * grow to that in one step once past a heap block (column-growth.ts).
   */
  constructor(fullSlots = 0) {
    this.fullSlots = fullSlots;
    this.slots = new StringSlotIndex(fullSlots);
  }

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
    if (slot !== NO_SLOT) this.freeHead = this.ints[slot * INTS + OLDER] as number;
    else {
      slot = this.next++;
      if (slot * INTS >= this.ints.length) this.grow();
      this.spans.push(undefined);
    }
    const n = slot * NUMBERS;
    this.numbers[n + SEEN_COUNT] = 0;
    this.numbers[n + SEEN_TIME] = 0;
    this.numbers[n + OCCURRENCE_LAST] = 0;
    const i = slot * INTS;
    this.ints[i + SEEN_GENERATION] = -1;
    this.ints[i + OLDER] = NO_SLOT;
    this.ints[i + NEWER] = NO_SLOT;
    this.ints[i + OCCURRENCE] = NO_OCCURRENCE;
    this.slots.set(uid, slot);
    return slot;
  }

  private grow(): void {
    // The widest column decides when the step to fullSlots comes, so that no column frees a mapped block.
    const slots = grownLength(this.ids.length / ID_WORDS, ID_WORDS * 4, this.fullSlots);
    const numbers = new Float64Array(NUMBERS * slots);
    numbers.set(this.numbers);
    this.numbers = numbers;
    const ints = new Int32Array(INTS * slots);
    ints.set(this.ints);
    this.ints = ints;
    const ids = new Uint32Array(ID_WORDS * slots);
    ids.set(this.ids);
    this.ids = ids;
  }

  /** Lets the record go once no part of it is held (each owner calls this after clearing its part). */
  release(e: EventSlot): void {
    if (
      !this.slots.holds(e) ||
      (this.ints[e * INTS + SEEN_GENERATION] as number) >= 0 ||
      this.spans[e] !== undefined ||
      (this.ints[e * INTS + OCCURRENCE] as number) !== NO_OCCURRENCE
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

  /** EventMemory's part: whether the Event's first span is held. */
  hasOccurrence(e: EventSlot): boolean {
    return (this.ints[e * INTS + OCCURRENCE] as number) !== NO_OCCURRENCE;
  }

  /** The Event's first span (IDs held as numbers are written out again: a new object each call). */
  occurrenceOf(e: EventSlot): OccurrenceRef | undefined {
    const held = this.ints[e * INTS + OCCURRENCE] as number;
    if (held === NO_OCCURRENCE) return undefined;
    if (held === AS_TEXT) return this.texts.get(e);
    const at = e * ID_WORDS;
    return {
      traceId: idOfWords(4, this.ids, at + TRACE_WORDS),
      spanId: idOfWords(2, this.ids, at + SPAN_WORDS),
      parentSpanId: idOfWords(2, this.ids, at + PARENT_WORDS),
    };
  }

  /** Holds the Event's first span: its trace's ID, its own and its parent's. */
  setOccurrence(e: EventSlot, traceId: string, spanId: string, parentSpanId: string): void {
    this.clearOccurrence(e);
    const at = e * ID_WORDS;
    const inWords =
      wordsOfId(traceId, 4, this.ids, at + TRACE_WORDS) &&
      wordsOfId(spanId, 2, this.ids, at + SPAN_WORDS) &&
      wordsOfId(parentSpanId, 2, this.ids, at + PARENT_WORDS);
    if (inWords) this.ints[e * INTS + OCCURRENCE] = IN_WORDS;
    else {
      this.ints[e * INTS + OCCURRENCE] = AS_TEXT;
      this.texts.set(e, { traceId, spanId, parentSpanId });
    }
  }

  /** Lets go of the Event's first span. */
  clearOccurrence(e: EventSlot): void {
    const i = e * INTS + OCCURRENCE;
    if (this.ints[i] === AS_TEXT) this.texts.delete(e);
    this.ints[i] = NO_OCCURRENCE;
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
    this.numbers = new Float64Array(NUMBERS * 64);
    this.ints = new Int32Array(INTS * 64);
    this.ids = new Uint32Array(ID_WORDS * 64);
    this.texts.clear();
    this.freeHead = NO_SLOT;
    this.next = 0;
  }

  /** Records held. */
  get size(): number {
    return this.slots.size;
  }
}
