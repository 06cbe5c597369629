import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventMemory } from './event-memory.ts';
import type { EventRecord } from './input-record.ts';
import { replay } from './replay.ts';
import type { KspanSpan } from './span.ts';
import type { SpanState } from './span-state.ts';
import { ev, obj, tick } from './test-support/records.ts';

const MIN = 60;
const deployment = [
  obj(0, 'Deployment', 'web', { manager: 'kubectl-client-side-apply' }),
  obj(0, 'ReplicaSet', 'web-5d5', { owner: ['Deployment', 'web'] }),
  obj(0, 'Pod', 'web-5d5-a', { owner: ['ReplicaSet', 'web-5d5'] }),
];
const rollout = [
  ...deployment,
  ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
  ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
];

function spansOf(spans: readonly KspanSpan[], uid: string): KspanSpan[] {
  return spans.filter((x) => x.attributes['kspan.event.uid'] === uid);
}

function one(spans: readonly KspanSpan[], uid: string): KspanSpan {
  const [s] = spansOf(spans, uid);
  if (s === undefined) throw new Error(`no span for ${uid}`);
  return s;
}

/** A kubelet BackOff repeated every 5 min for `minutes`, with ticks so that time passes between them. */
function backOff(minutes: number, from = 2): EventRecord[] {
  const out: EventRecord[] = [];
  for (let m = 0, n = 1; m <= minutes; m += 5, n++)
    out.push(
      ev(from + m * MIN, 'b1', 'Pod', 'web-5d5-a', 'BackOff', 'Back-off restarting failed container', {
        count: n,
        first: from,
        component: 'kubelet',
        type: 'Warning',
      }),
    );
  return out;
}

const withTicks = <T>(records: T[]): (T | ReturnType<typeof tick>)[] =>
  records.flatMap((r) => [r, tick(Date.parse((r as { at: string }).at) / 1000 - Date.UTC(2024, 4, 5, 16, 22) / 1000)]);

describe('earlier-occurrence: a crash loop of hours stays one story', () => {
  it('continues an exported Event in its trace, under its first parent, however late within the TTL', () => {
    const { spans } = replay(withTicks([...rollout, ...backOff(180)]));
    const parts = spansOf(spans, 'b1');
    const create = one(spans, 'c1');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p).toMatchObject({ traceId: create.traceId, parentSpanId: create.spanId });
    const [first, ...later] = parts;
    for (const p of later)
      expect(p.attributes).toMatchObject({ 'kspan.rule': 'earlier-occurrence', 'kspan.continues': first?.spanId });
    // Each continuation starts at its own occurrence, after the one before.
    const starts = parts.map((p) => p.startUs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('lets an Event go once the API server would have dropped it (gap beyond the TTL)', () => {
    const late = ev(2 + 90 * MIN, 'b1', 'Pod', 'web-5d5-a', 'BackOff', 'Back-off restarting failed container', {
      count: 2,
      first: 2,
      component: 'kubelet',
    });
    const { spans } = replay(withTicks([...rollout, ...backOff(0), late]), { eventTtlMs: 30 * 60_000 });
    const [, second] = spansOf(spans, 'b1');
    expect(second?.attributes['kspan.rule']).not.toBe('earlier-occurrence');
  });

  it("correlates a controller's repeated action afresh: the same scaling message counted up for a later generation", () => {
    const gen2 = obj(20 * MIN, 'Deployment', 'web', { generation: 2, manager: 'kubectl-rollout' });
    const again = ev(
      20 * MIN + 1,
      's1',
      'Deployment',
      'web',
      'ScalingReplicaSet',
      'Scaled up replica set web-5d5 from 0 to 1',
      {
        count: 2,
        first: 1,
      },
    );
    const { spans } = replay(withTicks([...rollout, gen2, again]));
    const [first, second] = spansOf(spans, 's1');
    expect(second?.traceId).not.toBe(first?.traceId);
    expect(second?.attributes['kspan.rule']).toBe('root-object');
  });
});

describe('remembered-object-cause: a Pod Pending for 40 min', () => {
  it('hangs its Scheduled, 40 min on, under the creation of the Pod, in the first trace', () => {
    const failed = [0, 10, 20, 30].map((m, i) =>
      ev(2 + m * MIN, 'f1', 'Pod', 'web-5d5-a', 'FailedScheduling', '0/3 nodes are available', {
        count: i + 1,
        first: 2,
        component: 'default-scheduler',
        type: 'Warning',
      }),
    );
    const scheduled = ev(
      2 + 40 * MIN,
      'sc',
      'Pod',
      'web-5d5-a',
      'Scheduled',
      'Successfully assigned default/web-5d5-a to n1',
      {
        component: 'default-scheduler',
      },
    );
    const { spans } = replay(withTicks([...rollout, ...failed, scheduled]));
    const create = one(spans, 'c1');
    expect(one(spans, 'sc')).toMatchObject({
      traceId: create.traceId,
      parentSpanId: create.spanId,
      attributes: { 'kspan.rule': 'remembered-object-cause' },
    });
  });
});

describe('top-level-event: an Event annotated topLevelSpan heads what follows', () => {
  const sync = (at: number): EventRecord => {
    const e = ev(at, 'sync', 'Deployment', 'web', 'Sync', 'Commit e332e7bac962: Update nginx', { component: 'flux' });
    return { ...e, event: { ...e.event, metadata: { ...e.event.metadata, annotations: { topLevelSpan: 'true' } } } };
  };

  it.each([
    ['before its effects', [sync(1), ...rollout]],
    ['after its effects, within the window', [...rollout, sync(3)]],
  ])('%s', (_when, records) => {
    const { spans } = replay(records);
    const head = one(spans, 'sync');
    const rootSpan = spans.find((s) => s.attributes['kspan.root'] === true);
    expect(head.parentSpanId).toBeUndefined();
    expect(rootSpan).toMatchObject({ parentSpanId: head.spanId, traceId: head.traceId });
    expect(one(spans, 's1').parentSpanId).toBe(rootSpan?.spanId);
    expect(head.startUs).toBeLessThanOrEqual(rootSpan?.startUs ?? 0);
    expect(head.attributes['kspan.rule']).toBe('top-level-event');
  });
});

describe('a clock bad input cannot steer', () => {
  const dated = (iso: string): EventRecord => {
    const e = ev(1, 'bad', 'Pod', 'web-5d5-a', 'Pulled', 'pulled', { component: 'kubelet' });
    return { ...e, event: { ...e.event, firstTimestamp: iso, lastTimestamp: iso } };
  };
  const after = [
    ev(2, 'p1', 'Pod', 'web-5d5-a', 'Scheduled', 'Successfully assigned default/web-5d5-a to n1'),
    ev(3, 'p2', 'Pod', 'web-5d5-a', 'Started', 'Started container app', { component: 'kubelet' }),
  ];

  it.each(['9999-12-31T23:59:59Z', '1970-01-01T00:00:01Z'])(
    'an event dated %s neither splits nor takes the rollout',
    (iso) => {
      const clean = replay([...rollout, ...after]).spans;
      const { spans, diagnostics } = replay([...rollout, dated(iso), ...after]);
      expect(diagnostics['implausible-event-time']).toBe(1);
      const traces = new Set(spans.map((s) => s.traceId));
      expect(traces.size).toBe(1);
      expect([...traces]).toEqual([...new Set(clean.map((s) => s.traceId))]);
      expect(one(spans, 'p2').parentSpanId).toBe(one(spans, 'c1').spanId);
      expect(one(spans, 'bad').parentSpanId).toBe(one(spans, 'c1').spanId);
    },
  );
});

describe('EventMemory', () => {
  const span = (uid: string, objectKey: string, actorKey: string, lastUs: number): SpanState =>
    ({
      eventUid: uid,
      spanId: `span-${uid}`,
      trace: { traceId: 't' },
      parent: { spanId: 'parent' },
      actorKey,
      objectKey,
      startUs: lastUs,
      lastUs,
    }) as unknown as SpanState;

  it('keeps an Event for the TTL after its last occurrence, and forgets it after', () => {
    const m = new EventMemory({ ttlUs: 100, capacity: 10 });
    m.remember(span('e1', 'Pod/d/a', 'Pod/d/a', 0), false);
    m.touch('e1', 'Pod/d/a', 80);
    expect(m.occurrence('e1', 170)).toMatchObject({ spanId: 'span-e1', parentSpanId: 'parent' });
    expect(m.occurrence('e1', 190)).toBeUndefined();
    m.prune(200);
    expect(m.size.events).toBe(0);
  });

  it('is bounded by its capacity (the least recently seen go first)', () => {
    const m = new EventMemory({ ttlUs: 1e12, capacity: 3 });
    for (let i = 0; i < 10; i++) m.remember(span(`e${i}`, `Pod/d/p${i}`, `ReplicaSet/d/rs`, i), false);
    expect(m.size).toEqual({ events: 3, objects: 3 });
    expect(m.occurrence('e0', 10)).toBeUndefined();
    expect(m.occurrence('e9', 10)).toBeDefined();
  });

  it('remember with the event time is remember then touch (one pass), at and past capacity', () => {
    const step = fc.record({
      uid: fc.constantFrom('e1', 'e2', 'e3', 'e4'),
      object: fc.constantFrom('Pod/d/a', 'Pod/d/b', 'Pod/d/c'),
      byOwner: fc.boolean(),
      parented: fc.boolean(),
      deletion: fc.boolean(),
      lastUs: fc.integer({ min: 0, max: 300 }),
      lag: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (steps, capacity) => {
        const twoCalls = new EventMemory({ ttlUs: 100, capacity });
        const onePass = new EventMemory({ ttlUs: 100, capacity });
        for (const st of steps) {
          const s = span(st.uid, st.object, st.byOwner ? 'ReplicaSet/d/rs' : st.object, st.lastUs);
          const built = st.parented ? s : ({ ...s, parent: undefined } as SpanState);
          twoCalls.remember(built, st.deletion);
          twoCalls.touch(st.uid, st.object, st.lastUs - st.lag);
          onePass.remember(built, st.deletion, st.lastUs - st.lag);
        }
        const seen = (m: EventMemory, at: number): unknown[] => [
          m.size,
          ...['e1', 'e2', 'e3', 'e4'].map((u) => m.occurrence(u, at)),
          ...['Pod/d/a', 'Pod/d/b', 'Pod/d/c'].flatMap((o) => [
            m.objectCause(o, at, true),
            m.objectCause(o, at, false),
          ]),
        ];
        for (const at of [150, 250, 350]) {
          expect(seen(onePass, at)).toEqual(seen(twoCalls, at));
          onePass.prune(at);
          twoCalls.prune(at);
        }
      }),
    );
  });

  it('remembers deletion and creation apart, and not for a younger namesake', () => {
    const m = new EventMemory({ ttlUs: 1e12, capacity: 10 });
    m.remember(span('create', 'Pod/d/db-0', 'StatefulSet/d/db', 0), false);
    m.remember(span('delete', 'Pod/d/db-0', 'StatefulSet/d/db', 10), true);
    expect(m.objectCause('Pod/d/db-0', 20, true)?.spanId).toBe('span-delete');
    expect(m.objectCause('Pod/d/db-0', 20, false)?.spanId).toBe('span-create');
    expect(m.objectCause('Pod/d/db-0', 20, false, 60_000_000)).toBeUndefined();
  });
});
