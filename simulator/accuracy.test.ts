import { describe, expect, it } from 'vitest';
import type { KspanSpan } from '../core/index.ts';
import { scoreRun, truthKeyOf } from './accuracy.ts';
import type { Truth } from './story.ts';

const root = 'root:d1:1';
const truth: Truth = {
  scenario: 't',
  seed: 1,
  roots: { [root]: { kind: 'Deployment', name: 'web', uid: 'd1', generation: 1 } },
  events: {
    a: { parent: root, trace: root, kind: 'Deployment', name: 'web', reason: 'ScalingReplicaSet' },
    b: { parent: 'a', trace: root, kind: 'ReplicaSet', name: 'web-1', reason: 'SuccessfulCreate' },
    c: { parent: 'b', trace: root, kind: 'Pod', name: 'web-1-x', reason: 'Scheduled' },
  },
};

function span(
  id: string,
  parent: string | undefined,
  attrs: Record<string, string | number | boolean>,
  trace = 't1',
): KspanSpan {
  return {
    traceId: trace,
    spanId: id,
    ...(parent === undefined ? {} : { parentSpanId: parent }),
    name: id,
    startUs: 0,
    endUs: 0,
    serviceName: 's',
    attributes: attrs,
    events: [],
    status: 'unset',
  };
}
const rootSpan = span('R', undefined, { 'kspan.root': true, 'kspan.object.uid': 'd1', 'kspan.object.generation': 1 });
const ev = (id: string, parent: string | undefined, uid: string, trace = 't1', rule = 'x') =>
  span(id, parent, { 'kspan.event.uid': uid, 'kspan.rule': rule }, trace);

describe('scoreRun', () => {
  it.each([
    {
      name: 'all right',
      spans: [rootSpan, ev('A', 'R', 'a'), ev('B', 'A', 'b'), ev('C', 'B', 'c')],
      parent: 3,
      trace: 3,
      lost: 0,
      wrong: {},
    },
    {
      name: 'wrong parent',
      spans: [rootSpan, ev('A', 'R', 'a'), ev('B', 'A', 'b'), ev('C', 'A', 'c', 't1', 'owner-chain')],
      parent: 2,
      trace: 3,
      lost: 0,
      wrong: { 'owner-chain': 1 },
    },
    {
      name: 'lost span',
      spans: [rootSpan, ev('A', 'R', 'a'), ev('B', 'A', 'b')],
      parent: 2,
      trace: 2,
      lost: 1,
      wrong: {},
    },
    {
      name: 'split trace',
      spans: [rootSpan, ev('A', 'R', 'a'), ev('B', 'A', 'b'), ev('C', undefined, 'c', 't2', 'root-object')],
      parent: 2,
      trace: 0,
      lost: 0,
      wrong: { 'root-object': 1 },
    },
    {
      name: 'a repetition continued under the true parent in the same trace',
      spans: [rootSpan, ev('A', 'R', 'a'), ev('B', 'A', 'b'), ev('C', 'B', 'c'), ev('C2', 'B', 'c')],
      parent: 4,
      trace: 4,
      lost: 0,
      wrong: {},
    },
    {
      name: 'a repetition split off into a new trace',
      spans: [
        rootSpan,
        ev('A', 'R', 'a'),
        ev('B', 'A', 'b'),
        ev('C', 'B', 'c'),
        ev('C2', undefined, 'c', 't9', 'late'),
      ],
      parent: 3,
      trace: 3,
      lost: 0,
      wrong: { late: 1 },
    },
  ])('$name', ({ spans, parent, trace, lost, wrong }) => {
    const s = scoreRun(spans, truth);
    expect(s.parentCorrect).toBe(parent);
    expect(s.traceCorrect).toBe(trace);
    expect(s.lost).toBe(lost);
    expect(s.wrongByRule).toEqual(wrong);
  });

  it('scores Events delivered with an incomplete subject apart, and leaves them out of trace grouping', () => {
    const identified = span('C', 'B', { 'kspan.event.uid': 'c', 'kspan.subject.identified_by': 'uid' });
    const alone = span('B', undefined, { 'kspan.event.uid': 'b', 'kspan.rule': 'unidentified-subject' }, 't2');
    const right = scoreRun([rootSpan, ev('A', 'R', 'a'), ev('B', 'A', 'b'), identified], truth, 50, new Set(['c']));
    expect(right).toMatchObject({ parentTotal: 2, parentCorrect: 2, traceTotal: 2, traceCorrect: 2 });
    expect(right).toMatchObject({
      incompleteTotal: 1,
      incompleteLost: 0,
      incompleteIdentified: 1,
      incompleteCorrect: 1,
    });
    // b split off into a trace of its own (c with it): wrong, but counted apart; c's trace hinged on b's: only
    // a is grouped, and c's parent edge still counts.
    const split = scoreRun([rootSpan, ev('A', 'R', 'a'), alone, ev('C', 'B', 'c', 't2')], truth, 50, new Set(['b']));
    expect(split).toMatchObject({ parentTotal: 2, parentCorrect: 2, incompleteTotal: 1, incompleteCorrect: 0 });
    expect(split).toMatchObject({ traceTotal: 1, traceCorrect: 1, lost: 0, wrongByRule: {} });
    const lost = scoreRun([rootSpan, ev('A', 'R', 'a'), ev('B', 'A', 'b')], truth, 50, new Set(['c']));
    expect(lost).toMatchObject({ lost: 1, incompleteTotal: 1, incompleteLost: 1 });
  });

  it('keys root spans by uid and generation', () => {
    expect(truthKeyOf(rootSpan)).toBe(root);
  });
});
