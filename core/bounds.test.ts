import { describe, expect, it } from 'vitest';
import { Engine } from './engine.ts';
import type { InputRecord } from './input-record.ts';
import { replay } from './replay.ts';
import type { KspanSpan } from './span.ts';
import { ev, obj, tick } from './test-support/records.ts';

/** Every bound of the engine, each with a test that goes red when the bound is removed (scripts/mutation-checks.ts). */
const MIN = 60;
const rollout: InputRecord[] = [
  obj(0, 'Deployment', 'web', { manager: 'kubectl-client-side-apply' }),
  obj(0, 'ReplicaSet', 'web-5d5', { owner: ['Deployment', 'web'] }),
  obj(0, 'Pod', 'web-5d5-a', { owner: ['ReplicaSet', 'web-5d5'] }),
  ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
  ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
];

/** BackOff every `everyS` seconds for `forS` seconds, a tick after each. */
function backOff(forS: number, everyS: number): InputRecord[] {
  const out: InputRecord[] = [];
  for (let s = 0, n = 1; s <= forS; s += everyS, n++) {
    out.push(
      ev(2 + s, 'b1', 'Pod', 'web-5d5-a', 'BackOff', 'Back-off restarting failed container', {
        count: n,
        first: 2,
        component: 'kubelet',
      }),
      tick(3 + s),
    );
  }
  return out;
}

/** A steady cluster for `seconds`: each second a new Pod (its own root), scheduled and started, and a tick. */
function steady(seconds: number): InputRecord[] {
  const out: InputRecord[] = [];
  for (let s = 0; s < seconds; s++) {
    out.push(
      obj(s, 'Pod', `p-${s}`),
      ev(s, `sch-${s}`, 'Pod', `p-${s}`, 'Scheduled', `Successfully assigned default/p-${s} to n1`, {
        component: 'default-scheduler',
      }),
      ev(s, `st-${s}`, 'Pod', `p-${s}`, 'Started', 'Started container app', { component: 'kubelet' }),
      tick(s + 0.5),
    );
  }
  return out;
}

/** Short windows (same ratios as the defaults), so that a few thousand seconds cover every bound many times. */
const SHORT = {
  idleMs: 30_000,
  retainMs: 90_000,
  maxTraceMs: 360_000,
  eventTtlMs: 360_000,
  objectRetentionMs: 720_000,
} as const;

/** The slots of the forgotten roots' numbers: given back with their entries, so bounded alike. */
const forgottenRootSlots = (engine: Engine): number =>
  (engine as unknown as { traces: { forgotten: { size: number } } }).traces.forgotten.size;

describe('engine bounds', () => {
  it('holds no more state after eight times as long a steady stream (every structure is bounded by time)', () => {
    const sizes = (seconds: number): Record<string, number> => {
      const engine = new Engine({ sink: { emit: () => undefined }, ...SHORT });
      for (const r of steady(seconds)) engine.push(r);
      return { ...engine.stats(), forgottenRootSlots: forgottenRootSlots(engine) };
    };
    // Both lengths are whole multiples of every window, so that generations are at the same phase.
    const short = sizes(1_440);
    const long = sizes(8 * 1_440);
    for (const [k, v] of Object.entries(long)) {
      expect.soft(v, k).toBeLessThanOrEqual(Math.ceil((short[k] as number) * 1.05) + 2);
    }
    // The stream does fill them: the bound is what keeps them from growing.
    expect(short.retainedSpans).toBeGreaterThan(100);
    expect(short.forgottenRoots).toBeGreaterThan(100);
    expect(short.forgottenRootSlots).toBe(short.forgottenRoots);
  });

  it('forgets a root whose trace was forgotten once the object retention has passed', () => {
    const engine = new Engine({ sink: { emit: () => undefined }, ...SHORT });
    for (const r of steady(3)) engine.push(r);
    for (let s = 4; s <= 400; s += 10) engine.push(tick(s));
    expect(engine.stats().forgottenRoots).toBe(3);
    for (let s = 410; s <= 1_200; s += 10) engine.push(tick(s));
    expect(engine.stats().forgottenRoots).toBe(0);
  });

  it('holds at most maxHeldSpans spans in a flood of unrelated events, and still emits every one', () => {
    const emitted: KspanSpan[] = [];
    const engine = new Engine({ sink: { emit: (s) => emitted.push(s) }, maxHeldSpans: 200 });
    let most = 0;
    let staleDue = 0;
    for (let i = 0; i < 3_000; i++) {
      // 100 events a second, each about a Pod no record describes: a trace (root and span) of its own.
      engine.push(ev(i / 100, `flood-${i}`, 'Pod', `flood-${i}`, 'BackOff', 'Back-off restarting failed container'));
      const { openSpans, retainedSpans, dueEntries, openTraces } = engine.stats();
      most = Math.max(most, openSpans + retainedSpans);
      staleDue = Math.max(staleDue, dueEntries - openTraces);
    }
    expect(most).toBeLessThanOrEqual(200);
    expect(engine.diagnostics.counts['span-capacity']).toBeGreaterThan(1_000);
    // A shed trace's due entry goes with it (it would hold the trace until its idle time: most of the queue).
    expect(staleDue).toBeLessThanOrEqual(8);
    engine.close();
    expect(emitted).toHaveLength(6_000);
    expect(new Set(emitted.map((s) => s.spanId)).size).toBe(6_000);
  });

  it('forgets objects not described again within the retention (pruning)', () => {
    const engine = new Engine({ sink: { emit: () => undefined }, objectRetentionMs: 3_600_000 });
    for (let i = 0; i < 50; i++) engine.push(obj(0, 'Pod', `p-${i}`));
    expect(engine.stats().objects).toBe(50);
    for (let s = 1; s <= 2 * 3600; s += 30) engine.push(tick(s));
    expect(engine.stats().objects).toBe(0);
  });

  it('emits a trace still active after one hour (the maximum trace age), before the input ends', () => {
    const emitted: KspanSpan[] = [];
    const engine = new Engine({ sink: { emit: (s) => emitted.push(s) } });
    // Repeats every 2 min keep the trace from ever being idle for 5 min.
    for (const r of [...rollout, ...backOff(90 * MIN, 120)]) engine.push(r);
    expect(emitted.length).toBeGreaterThan(0);
    const first = emitted.find((s) => s.attributes['kspan.event.uid'] === 'b1');
    expect(first?.endUs ?? Infinity).toBeLessThanOrEqual(Date.UTC(2024, 4, 5, 16, 22) * 1000 + 62 * MIN * 1e6);
    engine.close();
  });

  it('keeps at most maxRepeatEvents repetitions as span events and counts the rest', () => {
    const { spans } = replay([...rollout, ...backOff(99 * 10, 10)]);
    const span = spans.find((s) => s.attributes['kspan.event.uid'] === 'b1');
    // 100 occurrences: the first is the span, 99 repetitions, 32 shown.
    expect(span?.events).toHaveLength(32);
    expect(span?.attributes['kspan.repeats_not_shown']).toBe(67);
    expect(span?.attributes['kspan.event.count']).toBe(100);
  });

  it('forgets exported Events after the Event TTL (memory follows the cluster, not history)', () => {
    const engine = new Engine({ sink: { emit: () => undefined }, eventTtlMs: 600_000 });
    for (const r of rollout) engine.push(r);
    for (let s = 2; s <= 3 * 3600; s += 30) engine.push(tick(s));
    const late = ev(3 * 3600, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a', {
      count: 2,
      first: 1,
    });
    const spans: KspanSpan[] = [];
    const again = new Engine({ sink: { emit: (s) => spans.push(s) }, eventTtlMs: 600_000 });
    for (const r of [...rollout, tick(2), ...Array.from({ length: 360 }, (_, i) => tick(30 * i + 3)), late])
      again.push(r);
    again.close();
    engine.close();
    const [, second] = spans.filter((s) => s.attributes['kspan.event.uid'] === 'c1');
    expect(second?.attributes['kspan.rule']).not.toBe('earlier-occurrence');
  });
});

describe('engine close', () => {
  it('lets each trace go once emitted: a shutdown holds the engine’s spans or the sink’s, not both', () => {
    let engine: Engine | undefined;
    let mostHeld = 0;
    let emitted = 0;
    engine = new Engine({
      sink: {
        emit: () => {
          emitted += 1;
          const s = engine?.stats();
          if (s !== undefined) mostHeld = Math.max(mostHeld, s.retainedSpans);
        },
      },
    });
    for (const r of steady(50)) engine.push(r);
    engine.close();
    expect(emitted).toBeGreaterThan(100);
    // At most the trace being emitted (a Pod's root and two spans) is still held.
    expect(mostHeld).toBeLessThanOrEqual(3);
    // What only placing reads goes with the close (a shutdown exports for seconds after it).
    const after = engine.stats();
    expect([after.objects, after.rememberedEvents, after.dedupedOccurrences]).toEqual([0, 0, 0]);
    engine = undefined;
  });
});
