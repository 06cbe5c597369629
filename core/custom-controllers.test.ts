import { describe, expect, it } from 'vitest';
import type { InputRecord } from './input-record.ts';
import { replay } from './replay.ts';
import type { RetargetRule } from './retarget-rules.ts';
import { ev, obj } from './test-support/records.ts';

// A custom controller: WebApp objects own ReplicaSets and report on themselves in their own words.
const WEBAPP: RetargetRule = {
  id: 'webapp-scales-replicaset',
  actorKind: 'WebApp',
  reasons: ['Resized'],
  childKind: 'ReplicaSet',
  pattern: /^resized (?<child>\S+) from (?<from>\d+) to (?<to>\d+)$/,
};

const records: InputRecord[] = [
  obj(0, 'WebApp', 'shop', { generation: 2 }),
  obj(0, 'ReplicaSet', 'shop-1', { owner: ['WebApp', 'shop'] }),
  obj(0, 'Pod', 'shop-1-a', { owner: ['ReplicaSet', 'shop-1'] }),
  obj(0, 'Pod', 'shop-1-b', { owner: ['ReplicaSet', 'shop-1'] }),
  // All in one second: only the causal order can put the resize first.
  ev(1, 'e-create-a', 'ReplicaSet', 'shop-1', 'SuccessfulCreate', 'Created pod: shop-1-a'),
  ev(1, 'e-resize', 'WebApp', 'shop', 'Resized', 'resized shop-1 from 0 to 2'),
  ev(1, 'e-create-b', 'ReplicaSet', 'shop-1', 'SuccessfulCreate', 'Created pod: shop-1-b'),
];

function parentsByUid(retargetRules: readonly RetargetRule[]): Map<unknown, string | undefined> {
  const { spans } = replay(records, { windowMs: 1000, retargetRules });
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return new Map(
    spans.map((s) => [
      s.attributes['kspan.event.uid'] ?? 'root',
      s.parentSpanId === undefined
        ? undefined
        : String(byId.get(s.parentSpanId)?.attributes['kspan.event.uid'] ?? 'root'),
    ]),
  );
}

describe('custom controller retarget rules (EngineOptions.retargetRules)', () => {
  it("put the child's events under the custom controller's event that names it, scaling sizes included", () => {
    const parents = parentsByUid([WEBAPP]);
    expect(parents.get('e-resize')).toBe('root');
    expect(parents.get('e-create-a')).toBe('e-resize');
    expect(parents.get('e-create-b')).toBe('e-resize');
  });

  it('without the rule, the controller event names nothing and the creates hang off the root', () => {
    const parents = parentsByUid([]);
    expect(parents.get('e-create-a')).toBe('root');
    expect(parents.get('e-create-b')).toBe('root');
  });

  it('records the rule that moved the event onto the child', () => {
    const { spans } = replay(records, { windowMs: 1000, retargetRules: [WEBAPP] });
    const resize = spans.find((s) => s.attributes['kspan.event.uid'] === 'e-resize');
    expect(resize?.attributes['kspan.retarget']).toBe('webapp-scales-replicaset');
    expect(resize?.attributes['kspan.object.kind']).toBe('ReplicaSet');
    expect(resize?.attributes['kspan.actor.kind']).toBe('WebApp');
  });
});
