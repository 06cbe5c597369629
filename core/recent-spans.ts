import { EventIndex, type EventSlot } from './event-index.ts';
import { StringTable } from './string-table.ts';
import { appended, isSynthesized, NO_SPANS, type SpanState } from './span-state.ts';

/**
 * The open spans about one object, in one record reached by one lookup of its key: all of them oldest first, the
 * newest of its own events (actor = object), and the newest of each other actor (a controller: few per object).
 */
export interface ObjectSpans {
  readonly key: string;
  /** Oldest first; NO_SPANS when none, else the record's own array (see appended). */
  spans: readonly SpanState[];
  self: SpanState | undefined;
  /** The newest span of each actor other than the object, one per actor key (undefined until there is one). */
  byActor: SpanState[] | undefined;
}

/** Open spans indexed the ways the correlation rules look them up. */
export class RecentSpans {
  /** By object key: a StringTable, for objects come and go all the time (a flood's Pods: 45,000 held at once). */
  private readonly about: StringTable<ObjectSpans>;
  /** By Event uid: a part of the engine's EventIndex records (one lookup for all it holds about an Event). */
  private readonly byUid: EventIndex;

  /**
   * `index`: the engine's (shared with OccurrenceDedupe and EventMemory), or one of its own. `maxObjects`: the
   * objects with open spans it holds at most, as far as the engine's capacities say (the held spans' cap).
   */
  constructor(index = new EventIndex(), maxObjects = 0) {
    this.byUid = index;
    this.about = new StringTable(maxObjects);
  }

  /**
   * Indexes a new open span (not a synthesized root: rules find those through their trace, never by key).
   * `record`: what `recordOf(span.objectKey)` gave the caller, when it looked it up for the same placement.
   */
  add(span: SpanState, found?: EventSlot, record?: ObjectSpans): void {
    if (isSynthesized(span)) return;
    // A record with spans is still the one indexed (a record goes only once empty, and an empty one gets none).
    let entry = record !== undefined && record.spans.length > 0 ? record : this.about.get(span.objectKey);
    if (entry === undefined) {
      entry = { key: span.objectKey, spans: NO_SPANS, self: undefined, byActor: undefined };
      this.about.set(span.objectKey, entry);
    }
    entry.spans = appended(entry.spans, span);
    if (span.actorKey === span.objectKey) entry.self = span;
    else if (entry.byActor === undefined) entry.byActor = [span];
    else {
      const i = indexOfActor(entry.byActor, span.actorKey);
      if (i >= 0) entry.byActor[i] = span;
      else entry.byActor.push(span);
    }
    // The span keeps its record: its removal looks nothing up.
    span.recent = entry;
    // `found`: the record of the span's Event, when the caller has it (the engine looked it up once for the event).
    if (span.eventUid !== undefined) {
      const e = found ?? this.byUid.entry(span.eventUid);
      this.byUid.setSpan(e, span);
      span.event = e;
    }
  }

  /** Forgets a span (its trace was flushed). */
  remove(span: SpanState): void {
    if (isSynthesized(span)) return;
    const entry = span.recent;
    if (entry !== undefined) {
      // Each record's list is its own (see appended). Spans leave in about the order they came (whole traces
      // expire, oldest first): usually the head.
      const own = entry.spans as SpanState[];
      if (own[0] === span) own.shift();
      else {
        const i = own.indexOf(span);
        if (i >= 0) own.splice(i, 1);
      }
      if (entry.self === span) entry.self = undefined;
      else if (entry.byActor !== undefined) {
        const i = entry.byActor.indexOf(span);
        if (i >= 0) entry.byActor.splice(i, 1);
      }
      // The newest of each actor is among the spans: with none left, the record holds nothing.
      if (own.length === 0 && this.about.get(entry.key) === entry) this.about.delete(entry.key);
      span.recent = undefined;
    }
    const e = span.event;
    // The slot names this span's Event still: it is released (and may be reused) only once the span is not in it.
    if (e !== undefined && this.byUid.spanOf(e) === span) {
      this.byUid.setSpan(e, undefined);
      this.byUid.release(e);
    }
    span.event = undefined;
  }

  /** Forgets every span (the end of the input). */
  clear(): void {
    this.about.clear();
    const index = this.byUid;
    // A release deletes the entry being visited from the map: a Map's iteration allows that.
    index.forEach((e) => {
      if (index.spanOf(e) === undefined) return;
      index.setSpan(e, undefined);
      index.release(e);
    });
  }

  /** Open spans about `objectKey`, oldest first. */
  aboutObject(objectKey: string): readonly SpanState[] {
    return this.about.get(objectKey)?.spans ?? NO_SPANS;
  }

  /**
   * The record of the open spans about `objectKey` (undefined when none): the engine looks it up once per placed
   * event and hands it to `add` and `latestOfPair`, instead of three lookups of the same key in a large map.
   */
  recordOf(objectKey: string): ObjectSpans | undefined {
    return this.about.get(objectKey);
  }

  /** The newest open span about `objectKey` reported by an actor other than those in `excluded`. */
  latestCauseOf(objectKey: string, excluded: string, alsoExcluded: string): SpanState | undefined {
    const list = this.about.get(objectKey)?.spans;
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i] as SpanState;
      if (s.actorKey !== excluded && s.actorKey !== alsoExcluded) return s;
    }
    return undefined;
  }

  /** The newest open span from `actorKey` about `objectKey` (`record`: its record, as in `add`). */
  latestOfPair(actorKey: string, objectKey: string, record?: ObjectSpans): SpanState | undefined {
    const entry = record !== undefined && record.spans.length > 0 ? record : this.about.get(objectKey);
    if (entry === undefined) return undefined;
    if (actorKey === objectKey) return entry.self;
    const byActor = entry.byActor;
    if (byActor === undefined) return undefined;
    const i = indexOfActor(byActor, actorKey);
    return i >= 0 ? byActor[i] : undefined;
  }

  /** The open span of an Event object, if any. */
  ofEvent(uid: string): SpanState | undefined {
    const e = this.byUid.get(uid);
    return e === undefined ? undefined : this.byUid.spanOf(e);
  }
}

function indexOfActor(spans: readonly SpanState[], actorKey: string): number {
  for (let i = 0; i < spans.length; i++) if ((spans[i] as SpanState).actorKey === actorKey) return i;
  return -1;
}
