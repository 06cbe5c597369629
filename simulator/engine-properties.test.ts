import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGINE_DEFAULTS, type KspanSpan } from '../core/index.ts';
import { deliver } from './delivery.ts';
import { realEngine } from './engine-runner.ts';
import { SCENARIOS } from './scenario-catalog.ts';

const WINDOW_MS = ENGINE_DEFAULTS.windowMs;
const run = realEngine(WINDOW_MS);
const scenario = fc.constantFrom(...Object.keys(SCENARIOS));
const seed = fc.integer({ min: 1, max: 1_000_000 });
const jitter = fc.integer({ min: 0, max: WINDOW_MS - 1000 });

/** Share of Events delivered with an incomplete subject: none, or some (chosen by Event, alike in any order). */
const incomplete = fc.constantFrom(0, 0.1);

function spansOf(
  name: string,
  storySeed: number,
  deliverySeed: number,
  jitterMs: number,
  incompleteSubjectRate = 0,
): KspanSpan[] {
  const story = SCENARIOS[name]?.build(storySeed);
  if (story === undefined) throw new Error(`no scenario ${name}`);
  return run(deliver(story, { seed: deliverySeed, jitterMs, incompleteSubjectRate }));
}

// One line per span, so a failure shows which spans differ instead of one huge JSON string.
const canonical = (spans: readonly KspanSpan[]): string[] =>
  spans.map((s) => `${s.spanId} ${JSON.stringify({ ...s, spanId: undefined })}`).sort();
// Random seeds locally, to keep finding new cases; a fixed one in CI, so that a landing never hangs on luck.
const opts = {
  numRuns: Number(process.env.KSPAN_PROPERTY_RUNS ?? 25),
  ...(process.env.CI === 'true' ? { seed: 20261122 } : {}),
};

describe('engine properties over simulated scenarios', () => {
  it('gives the same spans for any delivery shuffle within the window', () => {
    fc.assert(
      fc.property(scenario, seed, seed, seed, jitter, incomplete, (name, s, d1, d2, j, rate) => {
        expect(canonical(spansOf(name, s, d2, j, rate))).toEqual(canonical(spansOf(name, s, d1, j, rate)));
      }),
      opts,
    );
  });

  // Once order-sensitive (a namesake StatefulSet Pod; a 300 s gap inside one trace): kept as explicit cases.
  it.each(['statefulset-update', 'node-not-ready'])(
    'gives the same spans for %s over three delivery orders',
    (name) => {
      for (const s of [1, 2, 3])
        expect(canonical(spansOf(name, s, 2, 3000))).toEqual(canonical(spansOf(name, s, 1, 3000)));
    },
  );

  // Found by the property at 4 s of jitter. A StatefulSet's (or Deployment's) deletion known only by when its
  // snapshot arrived decided whether its Pods' Killing was garbage collection (the deletion came up to 4 s late),
  // and a deleted Pod's node came from its namesake when the new Pod's snapshot had arrived first.
  it.each([
    ['statefulset-reuse', 5027005, [11, 62]],
    ['statefulset-reuse', 10158187, [11, 156]],
    ['statefulset-reuse', 12777951, [11, 64]],
    ['statefulset-reuse', 13301896, [64, 295]],
    ['statefulset-reuse', 16024550, [11, 64]],
    ['statefulset-reuse', 18, [856752, 142542]],
    ['deployment-delete', 39, [26, 33, 27685, 308841]],
    ['statefulset-update', 2, [695276, 15838]],
    ['statefulset-update', 22, [247298, 174218]],
  ] as const)('gives the same spans for %s story %i at 4 s jitter', (name, s, deliveries) => {
    const first = canonical(spansOf(name, s, 1, 4000));
    for (const d of deliveries) expect(canonical(spansOf(name, s, d, 4000))).toEqual(first);
  });

  it('never starts a child before its parent', () => {
    fc.assert(
      fc.property(scenario, seed, jitter, (name, s, j) => {
        const spans = spansOf(name, s, s, j);
        const byId = new Map(spans.map((x) => [x.spanId, x]));
        for (const child of spans) {
          const parent = child.parentSpanId === undefined ? undefined : byId.get(child.parentSpanId);
          if (parent !== undefined) expect(child.startUs).toBeGreaterThanOrEqual(parent.startUs);
        }
      }),
      opts,
    );
  });

  it('puts every span in exactly one trace, under a parent of that trace', () => {
    fc.assert(
      fc.property(scenario, seed, jitter, incomplete, (name, s, j, rate) => {
        const spans = spansOf(name, s, s, j, rate);
        const byId = new Map(spans.map((x) => [x.spanId, x]));
        expect(byId.size).toBe(spans.length);
        for (const span of spans) {
          if (span.parentSpanId === undefined) continue;
          const parent = byId.get(span.parentSpanId);
          expect(parent, `parent of ${span.name}`).toBeDefined();
          expect(parent?.traceId).toBe(span.traceId);
        }
      }),
      opts,
    );
  });

  it('is deterministic: the same input gives byte-identical spans', () => {
    fc.assert(
      fc.property(scenario, seed, jitter, incomplete, (name, s, j, rate) => {
        expect(JSON.stringify(spansOf(name, s, s, j, rate))).toBe(JSON.stringify(spansOf(name, s, s, j, rate)));
      }),
      opts,
    );
  });
});
