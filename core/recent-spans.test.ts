import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentSpans } from './recent-spans.ts';
import type { SpanState } from './span-state.ts';

/** The reference: the spans about each object in one map, and the newest of each actor→object pair in another. */
class MapRecentSpans {
  private readonly about = new Map<string, SpanState[]>();
  private readonly byPair = new Map<string, SpanState>();
  add(span: SpanState): void {
    this.about.set(span.objectKey, [...(this.about.get(span.objectKey) ?? []), span]);
    this.byPair.set(`${span.actorKey}\u0000${span.objectKey}`, span);
  }
  remove(span: SpanState): void {
    const list = (this.about.get(span.objectKey) ?? []).filter((s) => s !== span);
    if (list.length === 0) this.about.delete(span.objectKey);
    else this.about.set(span.objectKey, list);
    const pair = `${span.actorKey}\u0000${span.objectKey}`;
    if (this.byPair.get(pair) === span) this.byPair.delete(pair);
  }
  aboutObject(objectKey: string): readonly SpanState[] {
    return this.about.get(objectKey) ?? [];
  }
  latestOfPair(actorKey: string, objectKey: string): SpanState | undefined {
    return this.byPair.get(`${actorKey}\u0000${objectKey}`);
  }
}

const KEYS = ['Pod/d/a', 'Pod/d/b', 'ReplicaSet/d/rs', 'StatefulSet/d/ss'];

describe('RecentSpans', () => {
  it('answers as one map of spans per object and one of pairs would, through adds and removals', () => {
    const op = fc.oneof(
      fc.record({ add: fc.constantFrom(...KEYS), by: fc.constantFrom(...KEYS) }),
      fc.record({ remove: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
        const recent = new RecentSpans();
        const ref = new MapRecentSpans();
        const held: SpanState[] = [];
        let n = 0;
        for (const o of ops) {
          if ('add' in o) {
            const s = {
              eventUid: `e${n++}`,
              actorKey: o.by,
              objectKey: o.add,
              recent: undefined,
            } as unknown as SpanState;
            recent.add(s);
            ref.add(s);
            held.push(s);
          } else if (held.length > 0) {
            const [s] = held.splice(o.remove % held.length, 1) as [SpanState];
            recent.remove(s);
            ref.remove(s);
            expect(recent.ofEvent(s.eventUid as string)).toBeUndefined();
          }
          for (const obj of KEYS) {
            expect(recent.aboutObject(obj)).toEqual(ref.aboutObject(obj));
            for (const actor of KEYS) expect(recent.latestOfPair(actor, obj)).toBe(ref.latestOfPair(actor, obj));
          }
        }
        for (const s of held) expect(recent.ofEvent(s.eventUid as string)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});
