import { describe, expect, it } from 'vitest';
import type { InputRecord, ObjectReference } from '../core/index.ts';
import { deliver } from './delivery.ts';
import { realEngine } from './engine-runner.ts';
import { subjectFaults, type SubjectFault } from './incomplete-subjects.ts';
import { SCENARIOS } from './scenario-catalog.ts';

function story(name: string, seed: number) {
  const s = SCENARIOS[name]?.build(seed);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return s;
}

function subjectOf(r: InputRecord): ObjectReference | undefined {
  if (r.type !== 'event') return undefined;
  const e = r.event as { involvedObject?: ObjectReference; regarding?: ObjectReference };
  return e.involvedObject ?? e.regarding;
}

function shape(ref: ObjectReference | undefined): SubjectFault | 'complete' {
  if (ref === undefined || Object.keys(ref).length === 0) return 'subject';
  if (ref.kind === undefined) return 'kind';
  return ref.name === undefined ? 'name' : 'complete';
}

describe('incomplete subjects (a delivery fault)', () => {
  const s = story('rolling-update', 3);

  it('delivers a seeded share of Events with no kind, no name, or no subject, every occurrence alike', () => {
    const faults = subjectFaults(s.happenings, 0.3);
    const events = new Set(Object.keys(s.truth.events));
    expect(faults.size).toBeGreaterThan(events.size * 0.15);
    expect(faults.size).toBeLessThan(events.size * 0.45);
    expect(new Set(faults.values())).toEqual(new Set(['kind', 'name', 'subject']));
    const records = deliver(s, { seed: 3, incompleteSubjectRate: 0.3, duplicateRate: 0.5, tickMs: 0 });
    for (const r of records) {
      if (r.type !== 'event') continue;
      const uid = r.event.metadata?.uid ?? '';
      expect(shape(subjectOf(r)), uid).toBe(faults.get(uid) ?? 'complete');
    }
  });

  it('keeps what each shape keeps: name and uid without kind; kind without name, uid or namespace', () => {
    const records = deliver(s, { seed: 3, incompleteSubjectRate: 0.3, tickMs: 0 });
    const refs = records.map(subjectOf).filter((r): r is ObjectReference => r !== undefined);
    const kindless = refs.find((r) => shape(r) === 'kind');
    const nameless = refs.find((r) => shape(r) === 'name');
    expect(Object.keys(kindless ?? {}).sort()).toEqual(['name', 'namespace', 'uid']);
    expect(Object.keys(nameless ?? {}).sort()).toEqual(['apiVersion', 'kind']);
  });

  it('chooses by Event, not by delivery: other seeds and jitters fault the same Events', () => {
    const faulted = (seed: number, jitterMs: number) =>
      deliver(s, { seed, jitterMs, incompleteSubjectRate: 0.2, tickMs: 0 })
        .filter((r) => shape(subjectOf(r)) !== 'complete')
        .map((r) => (r.type === 'event' ? r.event.metadata?.uid : ''))
        .sort();
    expect(faulted(9, 1000)).toEqual(faulted(3, 3000));
  });

  it('changes nothing else: without the fault the log is the same bytes', () => {
    expect(JSON.stringify(deliver(s, { seed: 3, incompleteSubjectRate: 0 }))).toBe(
      JSON.stringify(deliver(s, { seed: 3 })),
    );
    const faulty = deliver(s, { seed: 3, incompleteSubjectRate: 0.3 });
    expect(faulty.map((r) => r.at)).toEqual(deliver(s, { seed: 3 }).map((r) => r.at));
  });

  it.each(Object.keys(SCENARIOS))('%s: every Event delivered with an incomplete subject still gets a span', (name) => {
    const run = realEngine(5000);
    for (const seed of [1, 2]) {
      const st = story(name, seed);
      const faults = subjectFaults(st.happenings, 0.25);
      const spanned = new Set(
        run(deliver(st, { seed, incompleteSubjectRate: 0.25 })).map((x) => x.attributes['kspan.event.uid']),
      );
      for (const uid of Object.keys(st.truth.events))
        expect(spanned.has(uid), `${name} seed ${seed} ${uid} (${faults.get(uid) ?? 'complete'})`).toBe(true);
    }
  });
});
