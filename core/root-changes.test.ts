import { describe, expect, it } from 'vitest';
import type { InputRecord } from './input-record.ts';
import { ObjectStore } from './object-store.ts';
import { replay } from './replay.ts';
import { rootChanges } from './root-changes.ts';
import { ev, obj } from './test-support/records.ts';

function spec(image: string, replicas = 2, env: string[] = []): unknown {
  return {
    replicas,
    template: { spec: { containers: [{ name: 'app', image, env: env.map((name) => ({ name, value: 'v' })) }] } },
  };
}

/** The root span of the trace the event at 20 s starts, for a Deployment described at these generations. */
function rootOf(generations: { at: number; generation: number; spec: unknown }[]) {
  const records: InputRecord[] = [
    ...generations.map((g) =>
      obj(g.at, 'Deployment', 'web', { generation: g.generation, changedAt: g.at, spec: g.spec }),
    ),
    obj(20, 'ReplicaSet', 'web-1', { owner: ['Deployment', 'web'] }),
    ev(20, 'e1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-1 to 2', {
      component: 'deployment-controller',
    }),
  ];
  const { spans } = replay(records, { windowMs: 1000 });
  const root = spans.find((s) => s.attributes['kspan.root'] === true);
  if (root === undefined) throw new Error('no root span');
  return root;
}

describe('what changed, on the root span', () => {
  it.each([
    {
      name: 'consecutive generations: image',
      gens: [
        { at: 0, generation: 1, spec: spec('nginx:1.25') },
        { at: 10, generation: 2, spec: spec('nginx:1.26') },
      ],
      changes: 'image nginx:1.25 → nginx:1.26',
    },
    {
      name: 'replicas and env names',
      gens: [
        { at: 0, generation: 1, spec: spec('a:1', 2, ['OLD']) },
        { at: 10, generation: 2, spec: spec('a:1', 4, ['NEW']) },
      ],
      changes: 'env +NEW -OLD; replicas 2 → 4',
    },
    {
      name: 'a gap between the generations known: nothing said',
      gens: [
        { at: 0, generation: 1, spec: spec('a:1') },
        { at: 10, generation: 3, spec: spec('a:2') },
      ],
      changes: undefined,
    },
    { name: 'only the new generation known', gens: [{ at: 10, generation: 2, spec: spec('a:2') }], changes: undefined },
    {
      name: 'a first generation (a creation)',
      gens: [{ at: 10, generation: 1, spec: spec('a:1') }],
      changes: undefined,
    },
  ])('$name', ({ gens, changes }) => {
    const root = rootOf(gens);
    expect(root.attributes['kspan.changes']).toBe(changes);
    expect(root.attributes['kspan.field_manager']).toBe('kubectl');
    const events = root.events.filter((e) => e.name === 'spec.changed').map((e) => e.attributes['kspan.change']);
    expect(events).toEqual(changes === undefined ? [] : changes.split('; '));
  });

  it('span events carry field, from and to', () => {
    const root = rootOf([
      { at: 0, generation: 1, spec: spec('nginx:1.25') },
      { at: 10, generation: 2, spec: spec('nginx:1.26') },
    ]);
    expect(root.events).toEqual([
      {
        name: 'spec.changed',
        timeUs: root.startUs,
        attributes: {
          'kspan.change.field': 'image',
          'kspan.change.from': 'nginx:1.25',
          'kspan.change.to': 'nginx:1.26',
          'kspan.change': 'image nginx:1.25 → nginx:1.26',
        },
      },
    ]);
  });

  it('diffs a generation against the one just before it, also when that one arrives later', () => {
    const store = new ObjectStore();
    const at = (generation: number, image: string) =>
      obj(generation, 'Deployment', 'web', { generation, changedAt: generation, spec: spec(image) }).object;
    store.upsert(at(1, 'a:1'), 1, false);
    store.upsert(at(3, 'a:3'), 3, false);
    const state = store.get('Deployment/default/web');
    if (state === undefined) throw new Error('not described');
    const third = state.generations[1];
    if (third === undefined) throw new Error('no generation 3');
    expect(rootChanges(state, third)).toEqual([]);
    store.upsert(at(2, 'a:2'), 2, false);
    const asked = rootChanges(state, third);
    expect(asked.map((c) => c.text)).toEqual(['image a:2 → a:3']);
    // Asked again (the rule asks on every event it answers): the same diff, not taken again.
    expect(rootChanges(state, third)).toBe(asked);
  });

  it('keeps a spec summary for roots only, never for controlled objects', () => {
    const store = new ObjectStore();
    const pod = obj(0, 'Pod', 'web-1-a', { owner: ['ReplicaSet', 'web-1'], spec: spec('a:1') }).object;
    const deployment = obj(0, 'Deployment', 'web', { spec: spec('a:1') }).object;
    store.upsert(pod, 0, false);
    store.upsert(deployment, 0, false);
    expect(store.get('Pod/default/web-1-a')?.generations[0]?.spec).toBeUndefined();
    expect(store.get('Deployment/default/web')?.generations[0]?.spec).toEqual({
      'container/app/image': 'a:1',
      replicas: '2',
    });
  });
});
