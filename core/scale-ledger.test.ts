import { describe, expect, it } from 'vitest';
import { ObjectStore } from './object-store.ts';
import { RecentSpans } from './recent-spans.ts';
import { closeEarlierScalings, ScaleLedger, scaleCapacity } from './scale-ledger.ts';
import type { SpanState } from './span-state.ts';

const S = 1_000_000;
const RS = 'ReplicaSet/default/web-5d5';

function replicaSet(store: ObjectStore, generation: number, replicas: number, createdS = 0): void {
  store.upsert(
    {
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-5d5',
        namespace: 'default',
        uid: 'rs-1',
        generation,
        creationTimestamp: new Date(createdS * 1000).toISOString(),
      },
      spec: { replicas },
    },
    (createdS + generation) * S,
    false,
  );
}

describe('ScaleLedger.sizeBefore', () => {
  it('takes the from of the message when there is one', () => {
    expect(new ScaleLedger().sizeBefore(RS, { direction: 'up', from: 2, to: 4 }, 0, new ObjectStore())).toBe(2);
  });

  it('takes the size the previous scaling set', () => {
    const ledger = new ScaleLedger();
    ledger.record(RS, 3);
    expect(ledger.sizeBefore(RS, { direction: 'up', to: 5 }, 100 * S, new ObjectStore())).toBe(3);
  });

  it("reads the ReplicaSet's previous generation when the ledger has nothing", () => {
    const store = new ObjectStore();
    replicaSet(store, 4, 2, -100);
    replicaSet(store, 5, 5, -100);
    expect(new ScaleLedger().sizeBefore(RS, { direction: 'up', to: 5 }, 10 * S, store)).toBe(2);
  });

  it('knows a ReplicaSet created just before its first scale-up was empty', () => {
    const store = new ObjectStore();
    replicaSet(store, 1, 1, 100);
    expect(new ScaleLedger().sizeBefore(RS, { direction: 'up', to: 1 }, 102 * S, store)).toBe(0);
    expect(new ScaleLedger().sizeBefore(RS, { direction: 'down', to: 1 }, 102 * S, store)).toBeUndefined();
    expect(new ScaleLedger().sizeBefore(RS, { direction: 'up', to: 1 }, 200 * S, store)).toBeUndefined();
  });

  it('forgets the oldest ReplicaSets beyond its capacity', () => {
    const ledger = new ScaleLedger(2);
    for (const k of ['a', 'b', 'c']) ledger.record(k, 1);
    expect(ledger.size).toBe(2);
    expect(ledger.sizeBefore('a', { direction: 'up', to: 2 }, 0, new ObjectStore())).toBeUndefined();
  });
});

describe('scaleCapacity and closeEarlierScalings', () => {
  it('is |to − from|, unbounded without from', () => {
    expect(scaleCapacity(4, 2)).toBe(2);
    expect(scaleCapacity(0, 3)).toBe(3);
    expect(scaleCapacity(3, undefined)).toBe(Number.POSITIVE_INFINITY);
  });

  it('ends the share of an unbounded same-direction scaling two seconds older, not a recent one', () => {
    const recent = new RecentSpans();
    const span = (startS: number, direction: 'up' | 'down'): SpanState =>
      ({
        eventUid: `scaled-${direction}-${startS}`,
        objectKey: RS,
        actorKey: 'Deployment/default/web',
        startUs: startS * S,
        scale: { direction, capacity: Number.POSITIVE_INFINITY, used: 1 },
      }) as unknown as SpanState;
    const old = span(10, 'up');
    const recentOne = span(19, 'up');
    const down = span(10, 'down');
    for (const s of [old, recentOne, down]) recent.add(s);
    closeEarlierScalings(recent, RS, 'Deployment/default/web', 'up', 20);
    expect(old.scale?.capacity).toBe(1);
    expect(recentOne.scale?.capacity).toBe(Number.POSITIVE_INFINITY);
    expect(down.scale?.capacity).toBe(Number.POSITIVE_INFINITY);
  });
});
