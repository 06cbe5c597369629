import { describe, expect, it } from 'vitest';
import type { ManagedFieldsEntry } from './kube.ts';
import { ObjectStore, specChange } from './object-store.ts';

const S = 1_000_000;

/** A Deployment snapshot without managedFields (before Kubernetes 1.18), as a watch delivers it. */
function snapshot(store: ObjectStore, generation: number, resourceVersion: string, atS: number): void {
  store.upsert(
    {
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: 'd-1',
        generation,
        resourceVersion,
        creationTimestamp: '1970-01-01T00:00:00Z',
      },
      spec: { replicas: 4 },
    },
    atS * S,
    false,
  );
}

describe('ObjectStore.generationAt with the reporter’s resourceVersion', () => {
  it.each([
    ['an event seen at the first version', 100, 1],
    ['an event between the generations', 150, 1],
    ['an event at the second generation’s version', 200, 2],
    ['an event of a later status update', 260, 2],
  ])('%s', (_what, refRevision, generation) => {
    const store = new ObjectStore();
    snapshot(store, 1, '100', 10);
    // The second generation's snapshot arrived 3 s after the change; the event is dated at the change.
    snapshot(store, 2, '200', 53);
    const state = store.get('Deployment/default/web');
    if (state === undefined) throw new Error('not stored');
    expect(store.generationAt(state, 50 * S, undefined, refRevision)?.generation).toBe(generation);
  });

  it('keeps the smallest version seen at a generation, whatever the arrival order', () => {
    const store = new ObjectStore();
    snapshot(store, 1, '100', 10);
    snapshot(store, 2, '240', 60);
    snapshot(store, 2, '200', 61);
    const state = store.get('Deployment/default/web');
    expect(state?.generations.map((g) => [g.generation, g.revision])).toEqual([
      [1, 100],
      [2, 200],
    ]);
  });

  it('falls back to time when the event names no version', () => {
    const store = new ObjectStore();
    snapshot(store, 1, '100', 10);
    snapshot(store, 2, '200', 53);
    const state = store.get('Deployment/default/web');
    if (state === undefined) throw new Error('not stored');
    expect(store.generationAt(state, 60 * S)?.generation).toBe(2);
  });
});

describe('specChange: who made a new generation, from managedFields', () => {
  const spec = { 'f:spec': {} };
  const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, s)).toISOString().replace('.000Z', 'Z');
  const scale: ManagedFieldsEntry = { manager: 'kubectl', operation: 'Update', subresource: 'scale', fieldsV1: spec };
  const update = (manager: string, s: number): ManagedFieldsEntry => ({
    manager,
    operation: 'Update',
    time: at(s),
    fieldsV1: spec,
  });
  const status: ManagedFieldsEntry = {
    manager: 'kube-controller-manager',
    operation: 'Update',
    subresource: 'status',
    time: at(50),
    fieldsV1: { 'f:status': {} },
  };
  const previous = Date.UTC(2026, 11, 1, 12, 0, 30) * 1000;
  it.each([
    [
      'a timed spec entry newer than the previous generation',
      [scale, update('ci', 40), status],
      true,
      { manager: 'ci', operation: 'Update', timeUs: Date.UTC(2026, 11, 1, 12, 0, 40) * 1000 },
    ],
    [
      'the untimed scale entry when no timed one is newer (kubectl scale)',
      [scale, update('ci', 10), status],
      true,
      { manager: 'kubectl', operation: 'Scale' },
    ],
    // Recorded live on 1.22: an image update (replicas unchanged) left the updater's entry with the time of
    // the Deployment's creation, and an untimed scale entry from an earlier scale sits beside it.
    [
      'not the scale entry when the replicas did not change; a stale time is no time',
      [scale, update('ci', 10), status],
      false,
      { manager: 'ci', operation: 'Update' },
    ],
    [
      'no spec entry at all: the newest entry',
      [status],
      true,
      { manager: 'kube-controller-manager', operation: 'Update', timeUs: Date.UTC(2026, 11, 1, 12, 0, 50) * 1000 },
    ],
  ] as const)('%s', (_name, entries, scaled, expected) => {
    expect(specChange(entries, previous, scaled)).toEqual(expected);
  });
});

describe('ObjectStore.byUid', () => {
  const pod = (name: string, uid: string, created: string) => ({
    kind: 'Pod',
    metadata: { name, namespace: 'db', uid, creationTimestamp: created },
  });

  it('finds an object by uid whatever its kind and namespace, a replaced namesake too, until it is pruned', () => {
    const store = new ObjectStore();
    store.upsert({ kind: 'ClusterWidget', metadata: { name: 'all', uid: 'cw' } }, 1 * S, false);
    store.upsert(pod('db-0', 'p-old', '2024-05-05T16:00:00Z'), 1 * S, false);
    store.upsert(pod('db-0', 'p-new', '2024-05-05T16:05:00Z'), 2 * S, false);
    expect(store.byUid('cw')?.key).toBe('ClusterWidget//all');
    expect(store.byUid('p-new')?.uid).toBe('p-new');
    expect(store.byUid('p-old')?.uid).toBe('p-old');
    store.prune(0, 2 * S);
    expect(store.byUid('cw')).toBeUndefined();
    expect(store.byUid('p-new')?.key).toBe('Pod/db/db-0');
    store.prune(0, 3 * S);
    expect(store.byUid('p-new')).toBeUndefined();
  });
});

describe('ObjectStore.prune: stale objects by when they were last described', () => {
  const cm = (name: string) => ({ kind: 'ConfigMap', metadata: { name, namespace: 'd', uid: `u-${name}` } });

  it.each([
    // [described at (s, in this order), stale before (s), kept]
    {
      seen: [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
      staleBeforeS: 3,
      kept: ['c'],
    },
    // Described again: it is as recent as its last snapshot, whatever order it first came in.
    {
      seen: [
        ['a', 1],
        ['b', 2],
        ['a', 4],
        ['c', 3],
      ],
      staleBeforeS: 3,
      kept: ['a', 'c'],
    },
    {
      seen: [
        ['a', 1],
        ['b', 2],
        ['a', 4],
        ['b', 5],
      ],
      staleBeforeS: 5,
      kept: ['b'],
    },
    {
      seen: [
        ['a', 1],
        ['b', 2],
        ['a', 2],
        ['b', 2],
      ],
      staleBeforeS: 3,
      kept: [],
    },
    // The newest described again (already at the newest end), then another one.
    {
      seen: [
        ['a', 1],
        ['a', 3],
        ['b', 4],
      ],
      staleBeforeS: 4,
      kept: ['b'],
    },
  ] as const)('described $seen, stale before $staleBeforeS s: keeps $kept', ({ seen, staleBeforeS, kept }) => {
    const store = new ObjectStore();
    for (const [name, atS] of seen) store.upsert(cm(name), atS * S, false);
    store.prune(Number.NEGATIVE_INFINITY, staleBeforeS * S);
    expect(['a', 'b', 'c'].filter((n) => store.get(`ConfigMap/d/${n}`) !== undefined)).toEqual(kept);
    expect(store.size).toBe(kept.length);
    // What is left is still pruned in order later on.
    store.prune(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect(store.size).toBe(0);
  });
});

/** A Pod `db-0` (a StatefulSet's, its name taken again by a new Pod) created at `createdS`, on `node`. */
function pod(store: ObjectStore, uid: string, createdS: number, atS: number, node?: string, deleted = false): void {
  store.upsert(
    {
      kind: 'Pod',
      metadata: {
        name: 'db-0',
        namespace: 'default',
        uid,
        creationTimestamp: new Date(createdS * 1000).toISOString(),
      },
      ...(node === undefined ? {} : { spec: { nodeName: node } }),
    },
    atS * S,
    deleted,
  );
}

describe('ObjectStore: what does not depend on when a snapshot arrived', () => {
  it.each([
    ['at once', 100],
    ['4 s late', 104],
  ])('a deletion known only by its arrival (%s) dates back by the delivery delay', (_what, atS) => {
    const store = new ObjectStore(4 * S);
    pod(store, 'p-1', 10, 10, 'n1');
    pod(store, 'p-1', 10, atS, 'n1', true);
    expect(store.get('Pod/default/db-0')?.deletedAtUs).toBe((atS - 4) * S);
  });

  it('takes deletionTimestamp as it is', () => {
    const store = new ObjectStore(4 * S);
    store.upsert(
      {
        kind: 'Pod',
        metadata: { name: 'db-0', namespace: 'default', uid: 'p-1', deletionTimestamp: '1970-01-01T00:01:40Z' },
      },
      103 * S,
      true,
    );
    expect(store.get('Pod/default/db-0')?.deletedAtUs).toBe(100 * S);
  });

  it.each([
    ['before the namesake arrived', false],
    ['after the namesake arrived', true],
  ])('a deleted Pod is the subject of its deletion %s', (_what, namesakeArrived) => {
    const store = new ObjectStore();
    pod(store, 'p-1', 10, 10, 'n1');
    if (namesakeArrived) pod(store, 'p-2', 100, 101);
    // The controller's SuccessfulDelete at 100 s (whole seconds, the namesake created in that second) names no uid.
    expect(store.nodeOf('Pod/default/db-0', undefined, 100 * S, true)).toBe('n1');
    expect(store.subjectAt('Pod/default/db-0', undefined, 100 * S, true)?.uid).toBe('p-1');
  });

  it('the namesake is the subject of its own creation, and an event naming a uid gets that Pod', () => {
    const store = new ObjectStore();
    pod(store, 'p-1', 10, 10, 'n1');
    pod(store, 'p-2', 100, 101, 'n2');
    expect(store.subjectAt('Pod/default/db-0', undefined, 100 * S, false)?.uid).toBe('p-2');
    expect(store.nodeOf('Pod/default/db-0', 'p-1', 120 * S)).toBe('n1');
    expect(store.nodeOf('Pod/default/db-0', 'p-2', 90 * S)).toBe('n2');
  });
});

describe('ObjectStore keeps only what the rules read of a snapshot', () => {
  it('holds no part of the snapshot object: owners copied down, one annotation, no labels', () => {
    const store = new ObjectStore();
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-1',
      uid: 'rs-1',
      controller: true,
      blockOwnerDeletion: true,
    };
    const annotations = {
      'kubectl.kubernetes.io/last-applied-configuration': '{"big":"'.padEnd(4096, 'x') + '"}',
      'kspan.io/topLevelSpan': '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
    };
    store.upsert(
      {
        kind: 'Pod',
        metadata: {
          name: 'web-1-a',
          namespace: 'default',
          uid: 'p-1',
          labels: { app: 'web' },
          annotations,
          ownerReferences: [owner, { kind: 'Broken' } as never],
        },
      },
      S,
      false,
    );
    const state = store.get('Pod/default/web-1-a');
    expect(state?.owners).toEqual([{ kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1', controller: true }]);
    expect(state?.owners[0]).not.toBe(owner);
    expect(state?.topLevelSpan).toBe(annotations['kspan.io/topLevelSpan']);
    const held = JSON.stringify(state);
    expect(held).not.toContain('last-applied-configuration');
    expect(held).not.toContain('blockOwnerDeletion');
    expect(held).not.toContain('"app"');
  });
});

describe('ObjectStore owners across snapshots', () => {
  const rs = (name: string, uid: string, controller = true) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name,
    uid,
    ...(controller ? { controller: true } : {}),
  });
  const pod = (store: ObjectStore, resourceVersion: string, owners: object[]): void => {
    store.upsert(
      {
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'default', uid: 'p-1', resourceVersion, ownerReferences: owners as never },
      },
      S,
      false,
    );
  };
  // [what the next snapshot names, the owner key then, whether the owners held before are kept as they are]
  it.each([
    ['the same owners again', [rs('a', 'rs-a')], 'ReplicaSet/default/a', true],
    ['another controller', [rs('b', 'rs-b')], 'ReplicaSet/default/b', false],
    ['the same one, no longer controller', [rs('a', 'rs-a', false)], 'ReplicaSet/default/a', false],
    ['a controller added after', [rs('a', 'rs-a', false), rs('c', 'rs-c')], 'ReplicaSet/default/c', false],
    ['the same name, another uid', [rs('a', 'rs-a2')], 'ReplicaSet/default/a', false],
    ['none', [], undefined, false],
  ])('%s', (_what, next, key, kept) => {
    const store = new ObjectStore();
    pod(store, '1', [rs('a', 'rs-a')]);
    const state = store.get('Pod/default/p');
    const before = state?.owners;
    expect(state !== undefined && store.ownerKey(state)?.key).toBe('ReplicaSet/default/a');
    pod(store, '2', next);
    expect(state?.owners === before).toBe(kept);
    expect(state?.owners.map((o) => [o.name, o.uid, o.controller === true])).toEqual(
      next.map((o) => [o.name, o.uid, o.controller === true]),
    );
    expect(state === undefined ? undefined : store.ownerKey(state)?.key).toBe(key);
    expect(state === undefined ? undefined : store.ownerKey(state)?.ref.uid).toBe(
      next.find((o) => o.controller)?.uid ?? next[0]?.uid,
    );
  });
});
