import type { SpanState } from './span-state.ts';

/** Open spans indexed the ways the correlation rules look them up. */
export class RecentSpans {
  private readonly about = new Map<string, SpanState[]>();
  private readonly byPair = new Map<string, SpanState>();
  private readonly byUid = new Map<string, SpanState>();

  /** Indexes a new open span. */
  add(span: SpanState): void {
    const list = this.about.get(span.objectKey);
    if (list === undefined) this.about.set(span.objectKey, [span]);
    else list.push(span);
    this.byPair.set(span.pairKey, span);
    if (span.eventUid !== undefined) this.byUid.set(span.eventUid, span);
  }

  /** Forgets a span (its trace was flushed). */
  remove(span: SpanState): void {
    const list = this.about.get(span.objectKey);
    if (list !== undefined) {
      // Spans leave in about the order they came (whole traces expire, oldest first): usually the head.
      if (list[0] === span) list.shift();
      else {
        const i = list.indexOf(span);
        if (i >= 0) list.splice(i, 1);
      }
      if (list.length === 0) this.about.delete(span.objectKey);
    }
    if (this.byPair.get(span.pairKey) === span) this.byPair.delete(span.pairKey);
    if (span.eventUid !== undefined && this.byUid.get(span.eventUid) === span) this.byUid.delete(span.eventUid);
  }

  /** Forgets every span (the end of the input). */
  clear(): void {
    this.about.clear();
    this.byPair.clear();
    this.byUid.clear();
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
    return this.byPair.get(pairKeyOf(actorKey, objectKey));
  }

  /** The open span of an Event object, if any. */
  ofEvent(uid: string): SpanState | undefined {
    return this.byUid.get(uid);
  }
}

const EMPTY: readonly SpanState[] = [];

/** The key of an actor→object pair. */
export function pairKeyOf(actorKey: string, objectKey: string): string {
  return [actorKey, objectKey].join('\u0000');
}
