import { describe, expect, it } from 'vitest';
import { ObjectStore } from './object-store.ts';

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
