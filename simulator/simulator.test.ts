import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliver } from './delivery.ts';
import { Rng } from './prng.ts';
import { SCENARIOS } from './scenario-catalog.ts';
import { parseUs } from './timestamps.ts';

const names = Object.keys(SCENARIOS);
const build = (name: string, seed: number) => {
  const story = SCENARIOS[name]?.build(seed);
  if (story === undefined) throw new Error(name);
  return story;
};

describe('Rng', () => {
  it('repeats its sequence for a seed', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    expect(Array.from({ length: 10 }, () => a.next())).toEqual(Array.from({ length: 10 }, () => b.next()));
  });
});

describe.each(names)('scenario %s', (name) => {
  it('is the same bytes for the same seed', () => {
    expect(JSON.stringify(build(name, 3))).toBe(JSON.stringify(build(name, 3)));
  });

  it('has a truth whose parents and traces exist', () => {
    const { truth, happenings } = build(name, 11);
    const uids = new Set(Object.keys(truth.events));
    expect(uids.size).toBeGreaterThan(0);
    for (const [uid, t] of Object.entries(truth.events)) {
      expect(uids.has(t.parent) || truth.roots[t.parent] !== undefined, `parent of ${t.reason} ${uid}`).toBe(true);
      expect(truth.roots[t.trace], `trace of ${t.reason}`).toBeDefined();
      if (uids.has(t.parent)) expect(truth.events[t.parent]?.trace).toBe(t.trace);
    }
    const seen = new Set(happenings.flatMap((h) => (h.type === 'event' ? [h.event.metadata?.uid ?? ''] : [])));
    expect(seen).toEqual(uids);
  });

  it('describes every object an event involves', () => {
    const { happenings } = build(name, 17);
    const objects = new Set(happenings.flatMap((h) => (h.type === 'object' ? [h.object.metadata?.uid] : [])));
    for (const h of happenings) {
      if (h.type !== 'event') continue;
      const e = h.event as { involvedObject?: { uid?: string }; regarding?: { uid?: string } };
      expect(objects.has((e.involvedObject ?? e.regarding)?.uid)).toBe(true);
    }
  });
});

describe('deliver', () => {
  it.each([0, 1000, 3000])("keeps receive times within jitter %d ms and orders each Event's updates", (jitterMs) => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.integer({ min: 1, max: 10_000 }), (name, seed) => {
        const story = build(name, seed);
        const records = deliver(story, { seed, jitterMs, tickMs: 0 });
        const ats = records.map((r) => parseUs(r.at));
        for (let i = 1; i < ats.length; i++) expect(ats[i]).toBeGreaterThanOrEqual(ats[i - 1] ?? 0);
        expect(records.length).toBe(story.happenings.length);
        const counts = new Map<string, number>();
        for (const r of records) {
          if (r.type !== 'event') continue;
          const e = r.event as { count?: number; series?: { count?: number }; metadata?: { uid?: string } };
          const count = e.count ?? e.series?.count ?? 1;
          const uid = e.metadata?.uid ?? '';
          expect(count).toBeGreaterThanOrEqual(counts.get(uid) ?? 0);
          counts.set(uid, count);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('adds duplicates and drops missing Pods when asked', () => {
    const story = build('rolling-update', 4);
    const plain = deliver(story, { seed: 4, tickMs: 0 });
    const noisy = deliver(story, { seed: 4, tickMs: 0, duplicateRate: 0.5, missingPodRate: 1 });
    expect(noisy.filter((r) => r.type === 'event').length).toBeGreaterThan(
      plain.filter((r) => r.type === 'event').length,
    );
    expect(noisy.some((r) => r.type === 'object' && r.object.kind === 'Pod' && r.deleted === true)).toBe(false);
  });
});

describe('rolling update', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('respects maxSurge 1 / maxUnavailable 1 on 4 replicas (seed %d)', (seed) => {
    const { happenings } = build('rolling-update', seed);
    const replicas = new Map<string, number>();
    let sawNew = false;
    for (const h of happenings) {
      if (h.type !== 'event' || h.event.reason !== 'ScalingReplicaSet') continue;
      const m = /replica set (\S+) from (\d+) to (\d+)/.exec((h.event as { message?: string }).message ?? '');
      if (m === null) continue;
      replicas.set(m[1] ?? '', Number(m[3]));
      if (replicas.size > 1) sawNew = true;
      const total = [...replicas.values()].reduce((a, b) => a + b, 0);
      if (sawNew) expect(total).toBeLessThanOrEqual(5);
    }
    expect([...replicas.values()].sort()).toEqual([0, 4]);
  });
});

describe('golden scenario files', () => {
  it('are what the generators write today (same seed, same bytes)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const os = await import('node:os');
    const { writeScenarios } = await import('./write-scenarios.ts');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspan-sim-'));
    for (const name of writeScenarios(dir)) {
      for (const file of ['input.ndjson', 'truth.json']) {
        const committed = fs.readFileSync(path.join(import.meta.dirname, '..', 'scenarios', name, file), 'utf8');
        expect(
          fs.readFileSync(path.join(dir, name, file), 'utf8'),
          `${name}/${file}: run node simulator/write-scenarios.ts`,
        ).toBe(committed);
      }
    }
  });
});
