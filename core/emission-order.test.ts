import { describe, expect, it } from 'vitest';
import { Engine, type EngineOptions } from './engine.ts';
import type { InputRecord } from './input-record.ts';
import type { KspanSpan } from './span.ts';
import { prng } from './test-support/jitter.ts';
import { ev, obj, t, tick } from './test-support/records.ts';

/** Each trace's spans in the order the engine emitted them (what the export checkpoint counts). */
function emissionOrder(records: readonly InputRecord[], options: Omit<EngineOptions, 'sink'>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const engine = new Engine({
    ...options,
    sink: {
      emit: (s: KspanSpan) => {
        const list = out.get(s.traceId) ?? [];
        list.push(`${s.spanId} ${s.name} ${String(s.attributes['kspan.event.name'] ?? '')}`);
        out.set(s.traceId, list);
      },
    },
  });
  for (const r of records) engine.push(r);
  engine.close();
  return out;
}

/** The record as it arrives at `atS` (a re-list delivers every Event at the time of the list). */
const arriving = (r: InputRecord, atS: number): InputRecord => ({ ...r, at: t(atS) });

const objects = [
  obj(0, 'Deployment', 'web'),
  obj(0, 'ReplicaSet', 'web-5d5', { owner: ['Deployment', 'web'] }),
  ...Array.from({ length: 30 }, (_, i) => obj(0, 'Pod', `web-5d5-${i}`, { owner: ['ReplicaSet', 'web-5d5'] })),
];
// 20 Events in one second (their names not in uid order), then 10 more a minute later.
const first = [
  ev(10, 'scale-1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 20'),
  ...Array.from({ length: 19 }, (_, i) =>
    ev(10, `u${(i * 7) % 19}`, 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', `Created pod: web-5d5-${i}`),
  ),
];
const later = [
  ev(70, 'scale-2', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 20 to 29'),
  ...Array.from({ length: 9 }, (_, i) =>
    ev(70, `v${(i * 5) % 9}`, 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', `Created pod: web-5d5-${20 + i}`),
  ),
];
const events = [...first, ...later];

/** Live: the Events arrive within their second in the order `rand` shuffles them, ticks every second. */
function live(rand: () => number, untilS: number): InputRecord[] {
  const shuffled = (list: readonly InputRecord[]) =>
    list
      .map((r) => ({ r, k: rand() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.r);
  const out: InputRecord[] = [...objects];
  const firstSorted = shuffled(first).map((r, i) => arriving(r, 10 + i / 40));
  const laterSorted = shuffled(later).map((r, i) => arriving(r, 70 + i / 40));
  for (let s = 10; s <= untilS; s++) {
    out.push(...firstSorted.filter((r) => Math.floor(Date.parse(r.at) / 1000) === Math.floor(Date.parse(t(s)) / 1000)));
    out.push(...laterSorted.filter((r) => Math.floor(Date.parse(r.at) / 1000) === Math.floor(Date.parse(t(s)) / 1000)));
    out.push(tick(s + 0.5));
  }
  return out;
}

describe('emission order per trace is a function of the content, not of the delivery', () => {
  // The export checkpoint counts each trace's spans in emission order: a rebuild from a re-list (every Event at once)
  // must emit them in the order the live engine did, or the count covers other spans (sent twice, or never).
  it.each([
    ['the first 20 emitted before the 10 arrive (idle 30 s)', { idleMs: 30_000 }],
    ['all 30 emitted together (idle 5 min)', {}],
  ])('20 Events in one second, 10 more a minute later: live = re-listed at once, %s', (_what, options) => {
    const rebuilt = emissionOrder([...objects, ...events.map((r) => arriving(r, 200)), tick(210)], options);
    const spans = [...rebuilt.values()].reduce((n, l) => n + l.length, 0);
    expect(spans).toBe(31);
    for (const seed of [1, 2, 3, 4, 5]) {
      const incremental = emissionOrder(live(prng(seed), 120), options);
      expect(incremental).toEqual(rebuilt);
    }
  });
});

/** A Deployment snapshot as it arrives at `atS`: `meta` adds creationTimestamp / managedFields (or not). */
function deployment(atS: number, meta: Record<string, unknown>): InputRecord {
  return {
    type: 'object',
    at: t(atS),
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'default', uid: 'uid-api', generation: 1, ...meta },
      spec: { replicas: 1 },
    },
  };
}

const entry = (atS: number) => ({
  managedFields: [
    { manager: 'kubectl', operation: 'Update', time: t(atS).replace('.000Z', 'Z'), fieldsV1: { 'f:spec': {} } },
  ],
});

// The trial of docs/production.md: 20 Events of one Deployment in one second, 10 more a minute later (uids not in
// arrival order); live, the trace's first 20 are emitted (idle 30 s) before the 10 come; the rebuild gets everything
// at once, the Deployment as it is by then.
const own = (first: number, count: number, atS: number) =>
  Array.from({ length: count }, (_, i) => ev(atS, `ev-${first + i}`, 'Deployment', 'api', `R${first + i}`, 'x'));

describe('a rebuild from a re-list emits each trace as the live engine did', () => {
  it.each([
    ['a Deployment without creationTimestamp or managedFields', {}, {}],
    [
      'a first generation whose managedFields entry moved on since (its manager changed a label)',
      { creationTimestamp: t(5), ...entry(5) },
      { creationTimestamp: t(5), ...entry(150) },
    ],
  ])('%s', (_what, liveMeta, rebuiltMeta) => {
    const options = { idleMs: 30_000 };
    const liveRecords: InputRecord[] = [deployment(9, liveMeta)];
    own(1, 20, 10).forEach((r, i) => liveRecords.push(arriving(r, 10 + (19 - i) / 40)));
    for (let s = 11; s <= 69; s++) liveRecords.push(tick(s));
    own(21, 10, 70).forEach((r, i) => liveRecords.push(arriving(r, 70 + i / 40)));
    for (let s = 71; s <= 80; s++) liveRecords.push(tick(s));
    const live = emissionOrder(liveRecords, options);
    const rebuilt = emissionOrder(
      [
        deployment(200, rebuiltMeta),
        ...[...own(1, 20, 10), ...own(21, 10, 70)].map((r) => arriving(r, 200)),
        tick(206),
      ],
      options,
    );
    expect([...live.values()].map((l) => l.length)).toEqual([31]);
    expect(rebuilt).toEqual(live);
  });
});

describe('the engine names the spans a rebuild may emit in another order (SpanSink.late)', () => {
  /** Feeds `records`, then closes: what the sink heard, in order (`late` marks, emitted spans). */
  function heard(records: readonly InputRecord[], probeAt?: number) {
    const log: string[] = [];
    let floor: number | undefined;
    const engine = new Engine({
      idleMs: 30_000,
      sink: {
        emit: (s) => log.push(`emit ${s.name} ${s.spanId}`),
        late: (id, startUs, occurrence) => log.push(`late ${id} ${startUs}${occurrence === true ? ' occurrence' : ''}`),
      },
    });
    records.forEach((r, i) => {
      engine.push(r);
      if (i === probeAt) {
        floor = engine.unplacedFloorUs();
        log.push('probe');
      }
    });
    engine.close();
    return { log, floor };
  }
  const web = [deployment(9, {}), ...own(1, 3, 10).map((r) => arriving(r, 10))];
  const quiet = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => tick(from + i));

  it('an Event behind the placement order is named when it is fed, before its span is emitted', () => {
    const late = ev(10.5, 'ev-late', 'Deployment', 'api', 'Late', 'x', { time: 10 });
    const later = own(4, 1, 60).map((r) => arriving(r, 60)); // placed: the order has moved past second 10
    const records = [...web, ...quiet(11, 59), ...later, ...quiet(61, 100), arriving(late, 100), ...quiet(101, 140)];
    const { log } = heard(
      records,
      records.indexOf(records.find((r) => r.type === 'event' && r.event.reason === 'Late')!),
    );
    const emitted = log.find((l) => l.startsWith('emit Deployment.Late'))?.split(' ')[2];
    const named = log.findIndex((l) => l.startsWith(`late ${emitted}`));
    expect(named).toBeGreaterThan(log.findIndex((l) => l.startsWith('emit Deployment.R3')));
    // Named as it is fed, while it waits in the window (a checkpoint written then must not count it).
    expect(named).toBeLessThan(log.indexOf('probe'));
    expect(named).toBeLessThan(log.findIndex((l) => l.startsWith('emit Deployment.Late')));
  });

  it('an Event in order whose span starts before spans of its trace emitted already is named when placed', () => {
    // A series seen for the first time: its span starts at its first occurrence, among R1…R3 (a rebuild emits it so).
    const series = ev(100, 'ev-series', 'Deployment', 'api', 'BackOff', 'x', { count: 5, first: 9 });
    const { log } = heard([...web, ...quiet(11, 100), series, ...quiet(101, 140)]);
    const emitted = log.find((l) => l.startsWith('emit Deployment.BackOff'))?.split(' ')[2];
    expect(log.filter((l) => l.startsWith('late'))).toEqual([expect.stringMatching(new RegExp(`^late ${emitted} `))]);
  });

  it('an Event whose subject is identified only when placed, fed once the order reached its second, is named', () => {
    // Without kind: its place in the second's causal order is its identified subject's, known only when placed.
    const unnamed = ev(20, 'ev-no-kind', '', 'api', 'OperatorVersionChanged', 'x', { time: 10 });
    const { log } = heard([...web, ...quiet(11, 19), unnamed, ...quiet(21, 60)]);
    const emitted = log.find((l) => l.includes('.OperatorVersionChanged'))?.split(' ')[2];
    expect(emitted).toBeDefined();
    expect(log.filter((l) => l.startsWith('late'))).toEqual([expect.stringMatching(new RegExp(`^late ${emitted} `))]);
    // In a later second than anything placed, it cannot go before it: not named.
    const after = ev(20, 'ev-no-kind', '', 'api', 'OperatorVersionChanged', 'x', { time: 20 });
    expect(heard([...web, ...quiet(11, 19), after, ...quiet(21, 60)]).log.filter((l) => l.startsWith('late'))).toEqual(
      [],
    );
  });

  it('Events in order are not named', () => {
    const { log } = heard([
      ...web,
      ...quiet(11, 100),
      ...own(4, 2, 100).map((r) => arriving(r, 100)),
      ...quiet(101, 140),
    ]);
    expect(log.filter((l) => l.startsWith('late'))).toEqual([]);
  });

  it('a later occurrence of an exported Event (it continues its span) is named as one', () => {
    const again = ev(100, 'ev-1', 'Deployment', 'api', 'R1', 'x', { count: 2, first: 10 });
    const { log } = heard([...web, ...quiet(11, 100), again, ...quiet(101, 140)]);
    expect(log.filter((l) => l.startsWith('late'))).toEqual([expect.stringMatching(/ occurrence$/)]);
  });

  it.each([
    ['a series seen for the first time: its span starts at its first occurrence', { count: 5, first: 20 }, t(20)],
    ['a single Event in order: placed in order', {}, undefined],
  ])('the floor of Events waiting in the window: %s', (_what, opts, floor) => {
    const series = ev(60, 'ev-s', 'Deployment', 'api', 'BackOff', 'x', opts);
    const records = [...web, ...quiet(11, 59), series, tick(61)];
    const probe = heard(records, records.length - 1).floor;
    expect(probe).toBe(floor === undefined ? Number.POSITIVE_INFINITY : Date.parse(floor) * 1000);
  });
});
