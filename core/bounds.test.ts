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

describe('engine bounds', () => {
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
