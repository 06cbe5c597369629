import { describe, expect, it } from 'vitest';
import { Engine } from './engine.ts';
import { traceIdOf } from './ids.ts';
import type { InputRecord } from './input-record.ts';
import { replay } from './replay.ts';
import type { KspanSpan } from './span.ts';
import { ev, obj, tick } from './test-support/records.ts';

const deployment = [
  obj(0, 'Deployment', 'web', { manager: 'kubectl-client-side-apply' }),
  obj(0, 'ReplicaSet', 'web-5d5', { owner: ['Deployment', 'web'] }),
  obj(0, 'Pod', 'web-5d5-a', { owner: ['ReplicaSet', 'web-5d5'] }),
  obj(0, 'Pod', 'web-5d5-b', { owner: ['ReplicaSet', 'web-5d5'] }),
  obj(0, 'Pod', 'web-5d5-c', { owner: ['ReplicaSet', 'web-5d5'] }),
];

function byEvent(spans: readonly KspanSpan[], uid: string): KspanSpan {
  const s = spans.find((x) => x.attributes['kspan.event.uid'] === uid);
  if (s === undefined) throw new Error(`no span for event ${uid}`);
  return s;
}

function root(spans: readonly KspanSpan[]): KspanSpan {
  const s = spans.find((x) => x.attributes['kspan.root'] === true);
  if (s === undefined) throw new Error('no root span');
  return s;
}

describe('correlation rules', () => {
  it("root-object: a Deployment's scaling hangs under the synthesized span of its generation, trace = hash(uid, generation)", () => {
    const { spans } = replay([
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
    ]);
    const r = root(spans);
    expect(r).toMatchObject({
      name: 'Deployment.Update',
      serviceName: 'kubectl-client-side-apply',
      traceId: traceIdOf('uid-web', 1),
    });
    expect(byEvent(spans, 's1')).toMatchObject({
      parentSpanId: r.spanId,
      traceId: r.traceId,
      attributes: { 'kspan.rule': 'root-object' },
    });
  });

  it("actor-cause: a ReplicaSet's pod creation hangs under the scaling that asked for it", () => {
    const { spans } = replay([
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
    ]);
    expect(byEvent(spans, 'c1')).toMatchObject({
      parentSpanId: byEvent(spans, 's1').spanId,
      name: 'ReplicaSet.SuccessfulCreate',
      attributes: { 'kspan.rule': 'actor-cause', 'k8s.pod.name': 'web-5d5-a' },
    });
  });

  it('actor-cause: two scalings in one second share the creations by their sizes', () => {
    const { spans } = replay([
      ...deployment,
      ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
      ev(1, 's2', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 2 to 3'),
      ev(1, 'c3', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-c'),
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 2'),
      ev(1, 'c2', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-b'),
    ]);
    const parents = ['c1', 'c2', 'c3'].map((u) => byEvent(spans, u).parentSpanId);
    const s1 = byEvent(spans, 's1').spanId;
    const s2 = byEvent(spans, 's2').spanId;
    expect(parents.filter((p) => p === s1)).toHaveLength(2);
    expect(parents.filter((p) => p === s2)).toHaveLength(1);
  });

  it("object-cause: a Pod's own events hang under the creation of that Pod, and Killing under its deletion", () => {
    const { spans } = replay([
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
      ev(2, 'p1', 'Pod', 'web-5d5-a', 'Pulling', 'Pulling image "nginx"', { component: 'kubelet' }),
      ev(9, 's2', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled down replica set web-5d5 from 1 to 0'),
      ev(9, 'd1', 'ReplicaSet', 'web-5d5', 'SuccessfulDelete', 'Deleted pod: web-5d5-a'),
      ev(9, 'k1', 'Pod', 'web-5d5-a', 'Killing', 'Stopping container app', { component: 'kubelet' }),
    ]);
    expect(byEvent(spans, 'p1')).toMatchObject({
      parentSpanId: byEvent(spans, 'c1').spanId,
      attributes: { 'kspan.rule': 'object-cause' },
    });
    expect(byEvent(spans, 'k1').parentSpanId).toBe(byEvent(spans, 'd1').spanId);
    expect(byEvent(spans, 'd1').parentSpanId).toBe(byEvent(spans, 's2').spanId);
  });

  it('owner-chain: a Pod event whose creation was never seen hangs under the newest scaling of its ReplicaSet', () => {
    const { spans } = replay([
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      ev(2, 'p1', 'Pod', 'web-5d5-a', 'Scheduled', 'Successfully assigned default/web-5d5-a to n1'),
    ]);
    expect(byEvent(spans, 'p1')).toMatchObject({
      parentSpanId: byEvent(spans, 's1').spanId,
      attributes: { 'kspan.rule': 'owner-chain' },
    });
  });

  it('top-level-annotation: an annotated object joins the trace it names', () => {
    const traceId = 'a'.repeat(32);
    const spanId = 'b'.repeat(16);
    const { spans } = replay([
      obj(0, 'Deployment', 'web', { annotations: { 'kspan.io/topLevelSpan': `00-${traceId}-${spanId}-01` } }),
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
    ]);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      traceId,
      parentSpanId: spanId,
      attributes: { 'kspan.rule': 'top-level-annotation' },
    });
  });

  it('a malformed topLevelSpan annotation is counted and ignored', () => {
    const engineSpans: KspanSpan[] = [];
    const engine = new Engine({ sink: { emit: (s) => engineSpans.push(s) } });
    for (const r of [
      obj(0, 'Deployment', 'web', { annotations: { 'kspan.io/topLevelSpan': 'not-a-traceparent' } }),
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set x from 0 to 1'),
    ])
      engine.push(r);
    engine.close();
    expect(engine.diagnostics.counts['bad-annotation']).toBe(1);
    expect(byEvent(engineSpans, 's1').attributes['kspan.rule']).toBe('root-object');
  });

  it('a new generation of the root starts a new trace', () => {
    const { spans } = replay([
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      obj(20, 'Deployment', 'web', { generation: 2, manager: 'kubectl-scale', changedAt: 20 }),
      ev(21, 's2', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 1 to 3'),
    ]);
    expect(byEvent(spans, 's1').traceId).toBe(traceIdOf('uid-web', 1));
    expect(byEvent(spans, 's2').traceId).toBe(traceIdOf('uid-web', 2));
    expect(spans.filter((s) => s.attributes['kspan.root'] === true).map((s) => s.serviceName)).toEqual([
      'kubectl-client-side-apply',
      'kubectl-scale',
    ]);
  });
});

describe("client-go's aggregated Event", () => {
  it('a later action patched into it (another message, count + 1) is a span of its own, with its own children', () => {
    const combined = '(combined from similar events): ';
    const { spans } = replay([
      obj(0, 'Deployment', 'web', { manager: 'kubectl-client-side-apply' }),
      obj(0, 'ReplicaSet', 'web-old', { owner: ['Deployment', 'web'] }),
      obj(0, 'ReplicaSet', 'web-new', { owner: ['Deployment', 'web'] }),
      ev(1, 'agg', 'Deployment', 'web', 'ScalingReplicaSet', `${combined}Scaled down replica set web-old to 1 from 2`),
      ev(1, 'd1', 'ReplicaSet', 'web-old', 'SuccessfulDelete', 'Deleted pod: web-old-a'),
      ev(3, 'agg', 'Deployment', 'web', 'ScalingReplicaSet', `${combined}Scaled up replica set web-new to 2 from 1`, {
        count: 2,
        first: 1,
      }),
      ev(3, 'c1', 'ReplicaSet', 'web-new', 'SuccessfulCreate', 'Created pod: web-new-b'),
    ]);
    const aggregated = spans.filter((s) => s.attributes['kspan.event.uid'] === 'agg');
    expect(aggregated.map((s) => s.attributes['kspan.event.message'])).toEqual([
      `${combined}Scaled down replica set web-old to 1 from 2`,
      `${combined}Scaled up replica set web-new to 2 from 1`,
    ]);
    const [down, up] = aggregated as [KspanSpan, KspanSpan];
    expect(byEvent(spans, 'd1').parentSpanId).toBe(down.spanId);
    expect(byEvent(spans, 'c1').parentSpanId).toBe(up.spanId);
    // It starts when that action was recorded, not at the aggregated Event's first occurrence.
    expect(up.startUs - down.startUs).toBeGreaterThanOrEqual(2_000_000);
  });
});

describe('more correlation rules', () => {
  const node = {
    type: 'object' as const,
    at: '2024-05-05T16:22:00.000Z',
    object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'uid-n1', managedFields: [] } },
  };

  it("node-cause: a Pod's NodeNotReady and eviction hang under its node's NodeNotReady, in the node's trace", () => {
    const nodeEvent = ev(60, 'n1', 'Node', 'n1', 'NodeNotReady', 'Node n1 status is now: NodeNotReady', {
      component: 'node-controller',
    });
    const raw = nodeEvent.event as { involvedObject: Record<string, unknown>; metadata: Record<string, unknown> };
    raw.involvedObject = { kind: 'Node', name: 'n1', uid: 'uid-n1' };
    const { spans } = replay([
      node,
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
      ev(2, 'p1', 'Pod', 'web-5d5-a', 'Scheduled', 'Successfully assigned default/web-5d5-a to n1'),
      nodeEvent,
      ev(61, 'p2', 'Pod', 'web-5d5-a', 'NodeNotReady', 'Node is not ready', {
        component: 'node-controller',
        type: 'Warning',
      }),
      ev(361, 'p3', 'Pod', 'web-5d5-a', 'TaintManagerEviction', 'Marking for deletion Pod default/web-5d5-a', {
        component: 'taint-eviction-controller',
      }),
    ]);
    const n = byEvent(spans, 'n1');
    expect(byEvent(spans, 'p2')).toMatchObject({
      parentSpanId: n.spanId,
      traceId: n.traceId,
      attributes: { 'kspan.rule': 'node-cause' },
    });
    expect(byEvent(spans, 'p3')).toMatchObject({ parentSpanId: n.spanId, traceId: n.traceId });
  });

  it("observed-child: a CronJob's SawCompletedJob hangs under the Job's own completion in the same second", () => {
    const { spans } = replay([
      obj(0, 'CronJob', 'nightly'),
      obj(0, 'Job', 'nightly-1', { owner: ['CronJob', 'nightly'] }),
      ev(1, 'j1', 'CronJob', 'nightly', 'SuccessfulCreate', 'Created job nightly-1'),
      ev(9, 'saw', 'CronJob', 'nightly', 'SawCompletedJob', 'Saw completed job: nightly-1, status: Complete'),
      ev(9, 'done', 'Job', 'nightly-1', 'Completed', 'Job completed'),
    ]);
    expect(byEvent(spans, 'done').parentSpanId).toBe(byEvent(spans, 'j1').spanId);
    expect(byEvent(spans, 'saw')).toMatchObject({
      parentSpanId: byEvent(spans, 'done').spanId,
      attributes: { 'kspan.rule': 'observed-child' },
    });
  });

  it('garbage-collection: a Pod stopped because its Deployment was deleted hangs under the root, not its creation', () => {
    const deleted = { ...obj(20, 'Deployment', 'web'), deleted: true };
    const { spans } = replay([
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
      deleted,
      ev(21, 'k1', 'Pod', 'web-5d5-a', 'Killing', 'Stopping container app', { component: 'kubelet' }),
    ]);
    expect(byEvent(spans, 'k1')).toMatchObject({
      parentSpanId: root(spans).spanId,
      attributes: { 'kspan.rule': 'garbage-collection' },
    });
  });

  it('a StatefulSet Pod recreated under the same name in the same second: events follow the new creation', () => {
    const { spans } = replay([
      obj(0, 'StatefulSet', 'db'),
      obj(0, 'Pod', 'db-0', { owner: ['StatefulSet', 'db'] }),
      ev(5, 'c2', 'StatefulSet', 'db', 'SuccessfulCreate', 'create Pod db-0 in StatefulSet db successful'),
      ev(5, 'd1', 'StatefulSet', 'db', 'SuccessfulDelete', 'delete Pod db-0 in StatefulSet db successful'),
      ev(5, 'k1', 'Pod', 'db-0', 'Killing', 'Stopping container db'),
      ev(6, 'p1', 'Pod', 'db-0', 'Scheduled', 'Successfully assigned default/db-0 to n1'),
    ]);
    expect(byEvent(spans, 'k1').parentSpanId).toBe(byEvent(spans, 'd1').spanId);
    expect(byEvent(spans, 'p1').parentSpanId).toBe(byEvent(spans, 'c2').spanId);
  });

  it('two generations changed within one second are told apart by the replicas a scaling reports', () => {
    const { spans } = replay(
      [
        ...deployment,
        obj(10, 'Deployment', 'web', { generation: 2, changedAt: 10 }),
        obj(10, 'Deployment', 'web', { generation: 3, changedAt: 10 }),
        ev(10, 's3', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 3 to 4'),
        ev(10, 's2', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 2 to 3'),
      ].map((r) => {
        if (r.type !== 'object' || r.object.kind !== 'Deployment') return r;
        const g = r.object.metadata?.generation ?? 1;
        return { ...r, object: { ...r.object, spec: { replicas: g + 1 } } };
      }),
    );
    expect(byEvent(spans, 's2').traceId).toBe(traceIdOf('uid-web', 2));
    expect(byEvent(spans, 's3').traceId).toBe(traceIdOf('uid-web', 3));
  });
});

describe('lifecycle', () => {
  it('repeated occurrences of one Event are one span with a count and span events', () => {
    const records: InputRecord[] = [obj(0, 'Pod', 'bare')];
    for (let c = 1; c <= 30; c++)
      records.push(
        ev(c, 'b1', 'Pod', 'bare', 'BackOff', 'Back-off pulling image "x"', {
          count: c,
          first: 1,
          type: 'Warning',
          component: 'kubelet',
        }),
      );
    const { spans } = replay(records);
    const backoffs = spans.filter((s) => s.name === 'Pod.BackOff');
    expect(backoffs).toHaveLength(1);
    expect(backoffs[0]).toMatchObject({ status: 'error', attributes: { 'kspan.event.count': 30 } });
    expect(backoffs[0]?.events).toHaveLength(29);
    expect((backoffs[0]?.endUs ?? 0) - (backoffs[0]?.startUs ?? 0)).toBe(29_000_000);
  });

  it('a span ends when the next event on the same object starts, and parents cover their children', () => {
    const { spans } = replay([
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
      ev(2, 'p1', 'Pod', 'web-5d5-a', 'Pulling', 'Pulling image "nginx"'),
      ev(7, 'p2', 'Pod', 'web-5d5-a', 'Pulled', 'Successfully pulled image "nginx"'),
    ]);
    const pulling = byEvent(spans, 'p1');
    expect(pulling.endUs).toBe(byEvent(spans, 'p2').startUs);
    for (const s of spans) {
      const parent = spans.find((p) => p.spanId === s.parentSpanId);
      if (parent === undefined) continue;
      expect(s.startUs).toBeGreaterThanOrEqual(parent.startUs);
      expect(parent.endUs).toBeGreaterThanOrEqual(s.endUs);
    }
  });

  it('a child timestamped before its parent is clamped and marked', () => {
    const { spans, diagnostics } = replay([
      obj(10, 'Deployment', 'web', { changedAt: 10 }),
      ev(11, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1', { time: 5 }),
    ]);
    const s1 = byEvent(spans, 's1');
    expect(s1.startUs).toBe(root(spans).startUs);
    expect(s1.attributes['kspan.clamped']).toBe(true);
    expect(diagnostics['clamped-start']).toBe(1);
  });

  it('ticks emit idle traces before the input ends; a late effect within the retention joins the emitted trace', () => {
    const emitted: KspanSpan[] = [];
    const engine = new Engine({ idleMs: 60_000, retainMs: 600_000, sink: { emit: (s) => emitted.push(s) } });
    for (const r of [
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      tick(30),
    ])
      engine.push(r);
    expect(emitted).toHaveLength(0);
    // Ticks move the clock two windows (2 × 5 s) behind receive time: idle 60 s after the event at 1 s is at 71 s.
    engine.push(tick(80));
    expect(emitted.map((s) => s.name)).toEqual(['Deployment.Update', 'Deployment.ScalingReplicaSet']);
    engine.push(ev(300, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'));
    engine.close();
    expect(byEvent(emitted, 'c1')).toMatchObject({
      traceId: traceIdOf('uid-web', 1),
      parentSpanId: byEvent(emitted, 's1').spanId,
    });
  });

  it('a root active again after its trace was forgotten starts a new segment', () => {
    const emitted: KspanSpan[] = [];
    const engine = new Engine({ idleMs: 60_000, retainMs: 60_000, sink: { emit: (s) => emitted.push(s) } });
    for (const r of [
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      tick(80),
    ])
      engine.push(r);
    engine.push(ev(100, 'x1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 1 to 2'));
    engine.close();
    const later = byEvent(emitted, 'x1');
    expect(later.traceId).toBe(traceIdOf('uid-web', 1, 1));
    expect(emitted.find((s) => s.spanId === later.parentSpanId)?.attributes['kspan.segment']).toBe(1);
  });
});

describe('bad input never crashes the engine', () => {
  const bad: [string, unknown][] = [
    ['null', null],
    ['a string', 'hello'],
    ['unknown record type', { type: 'banana', at: '2024-05-05T16:22:00Z' }],
    ['event without payload', { type: 'event', at: '2024-05-05T16:22:00Z' }],
    [
      'event without involved object',
      { type: 'event', at: '2024-05-05T16:22:00Z', event: { metadata: { uid: 'x' }, reason: 'X' } },
    ],
    [
      'object without uid',
      { type: 'object', at: '2024-05-05T16:22:00Z', object: { kind: 'Pod', metadata: { name: 'p' } } },
    ],
    ['malformed receive time', { type: 'tick', at: 'noon' }],
    [
      'malformed event time',
      {
        type: 'event',
        at: '2024-05-05T16:22:00Z',
        event: { metadata: { uid: 'y' }, involvedObject: { kind: 'Pod', name: 'p' }, lastTimestamp: 'noon' },
      },
    ],
    [
      'unknown kind with missing owner',
      {
        type: 'event',
        at: '2024-05-05T16:22:00Z',
        event: {
          metadata: { uid: 'z' },
          involvedObject: { kind: 'Widget', name: 'w' },
          lastTimestamp: '2024-05-05T16:22:00Z',
        },
      },
    ],
  ];

  it.each(bad)('%s: counted, and processing goes on', (_name, record) => {
    const spans: KspanSpan[] = [];
    const engine = new Engine({ sink: { emit: (s) => spans.push(s) } });
    expect(() => engine.push(record as InputRecord)).not.toThrow();
    for (const r of deployment) engine.push(r);
    engine.push(ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'));
    engine.close();
    expect(engine.diagnostics.total).toBeGreaterThan(0);
    expect(spans.some((s) => s.attributes['kspan.event.uid'] === 's1')).toBe(true);
  });

  it('a duplicate delivery is dropped and counted', () => {
    const e = ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1');
    const { spans, diagnostics } = replay([...deployment, e, e, { ...e, at: '2024-05-05T16:22:03.000Z' }]);
    expect(spans.filter((s) => s.attributes['kspan.event.uid'] === 's1')).toHaveLength(1);
    expect(diagnostics.duplicate).toBe(2);
  });
});

describe('determinism', () => {
  it('the same input gives byte-identical spans, IDs included', () => {
    const input = [
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
    ];
    expect(JSON.stringify(replay(input).spans)).toBe(JSON.stringify(replay(input).spans));
  });
});

describe('snapshots out of order', () => {
  it("an older generation's snapshot arriving after a newer one still counts for its own events", () => {
    const withReplicas = (r: ReturnType<typeof obj>, replicas: number) => ({
      ...r,
      object: { ...r.object, spec: { replicas } },
    });
    const { spans } = replay([
      ...deployment,
      withReplicas(obj(10, 'Deployment', 'web', { generation: 3, changedAt: 10 }), 4),
      withReplicas(obj(11, 'Deployment', 'web', { generation: 2, changedAt: 10 }), 3),
      ev(10, 's2', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 2 to 3'),
      ev(10, 's3', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 3 to 4'),
    ]);
    expect(byEvent(spans, 's2').traceId).toBe(traceIdOf('uid-web', 2));
    expect(byEvent(spans, 's3').traceId).toBe(traceIdOf('uid-web', 3));
  });
});
