import { EventIndex } from './event-index.ts';
import { appended, type SpanState } from './span-state.ts';

/** Open spans indexed the ways the correlation rules look them up. */
export class RecentSpans {
  private readonly about = new Map<string, readonly SpanState[]>();
  /** By pair of different keys; `bySelf` by the key of an object's own events (no joined key to hold). */
  private readonly byPair = new Map<string, SpanState>();
  private readonly bySelf = new Map<string, SpanState>();
  /** By Event uid: a part of the engine's EventIndex records (one lookup for all it holds about an Event). */
  private readonly byUid: EventIndex;

  /** `index`: the engine's (shared with OccurrenceDedupe and EventMemory), or one of its own. */
  constructor(index = new EventIndex()) {
    this.byUid = index;
  }

  /** Indexes a new open span (not a synthesized root: rules find those through their trace, never by key). */
  add(span: SpanState): void {
    if (span.synthesized === true) return;
    const list = this.about.get(span.objectKey);
    const grown = appended(list ?? NO_SPANS, span);
    if (grown !== list) this.about.set(span.objectKey, grown);
    this.pairs(span).set(span.pairKey, span);
    if (span.eventUid !== undefined) this.byUid.entry(span.eventUid).span = span;
  }

  /** Forgets a span (its trace was flushed). */
  remove(span: SpanState): void {
    if (span.synthesized === true) return;
    const list = this.about.get(span.objectKey);
    if (list !== undefined) {
      // Each list in the map is its own (see appended). Spans leave in about the order they came (whole traces
      // expire, oldest first): usually the head.
      const own = list as SpanState[];
      if (own[0] === span) own.shift();
      else {
        const i = own.indexOf(span);
        if (i >= 0) own.splice(i, 1);
      }
      if (own.length === 0) this.about.delete(span.objectKey);
    }
    const pairs = this.pairs(span);
    if (pairs.get(span.pairKey) === span) pairs.delete(span.pairKey);
    const e = span.eventUid === undefined ? undefined : this.byUid.get(span.eventUid);
    if (e !== undefined && e.span === span) {
      e.span = undefined;
      this.byUid.release(e);
    }
  }

  /** Forgets every span (the end of the input). */
  clear(): void {
    this.about.clear();
    this.byPair.clear();
    this.bySelf.clear();
    this.byUid.forEach((e) => {
      if (e.span === undefined) return;
      e.span = undefined;
      this.byUid.release(e);
    });
  }

  /** Open spans about `objectKey`, oldest first. */
  aboutObject(objectKey: string): readonly SpanState[] {
    return this.about.get(objectKey) ?? EMPTY;
  }

  /** The newest open span about `objectKey` reported by an actor other than those in `excluded`. */
  latestCauseOf(objectKey: string, excluded: string, alsoExcluded: string): SpanState | undefined {
    const list = this.about.get(objectKey);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i] as SpanState;
      if (s.actorKey !== excluded && s.actorKey !== alsoExcluded) return s;
    }
    return undefined;
  }

  /** The newest open span from `actorKey` about `objectKey`. */
  latestOfPair(actorKey: string, objectKey: string): SpanState | undefined {
    return actorKey === objectKey ? this.bySelf.get(actorKey) : this.byPair.get(pairKeyOf(actorKey, objectKey));
  }

  private pairs(span: SpanState): Map<string, SpanState> {
    return span.actorKey === span.objectKey ? this.bySelf : this.byPair;
  }

  /** The open span of an Event object, if any. */
  ofEvent(uid: string): SpanState | undefined {
    return this.byUid.get(uid)?.span;
  }
}

const EMPTY: readonly SpanState[] = [];
const NO_SPANS: readonly SpanState[] = Object.freeze([]);

/** The key of an actor→object pair: the key itself for an object's own events (their own map), else both joined. */
export function pairKeyOf(actorKey: string, objectKey: string): string {
  return actorKey === objectKey ? actorKey : [actorKey, objectKey].join('\u0000');
}
