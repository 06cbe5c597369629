import type { ObjectStore } from './object-store.ts';
import type { RecentSpans } from './recent-spans.ts';
import type { Retargeted } from './retarget-rules.ts';
import { evictOldest } from './evict-oldest.ts';

/** How soon after a ReplicaSet's creation its first scaling is reported (the controller creates it at size 0). */
const NEW_SET_US = 10_000_000;
/** A scaling's children follow it within a second: a same-direction scaling two seconds later ends its share. */
const CHILDREN_WITHIN_S = 1;

/**
 * What the engine knows of each ReplicaSet's size, to read a scaling whose message names no `from` (before
 * Kubernetes 1.23: "Scaled up replica set web-5d5 to 3"). Without it, such a scaling accounts for any number
 * of children, and the second of two scale-ups of one ReplicaSet loses its Pods to the first.
 * Sizes come from, in order: the previous scaling placed for that ReplicaSet (placement order is causal),
 * the ReplicaSet's own snapshots (`spec.replicas` of the generation before the one of size `to`), and its
 * creation (a ReplicaSet created just before its first scale-up was at 0). Bounded: the oldest entries go.
 */
export class ScaleLedger {
  private readonly sizes = new Map<string, number>();
  private readonly capacity: number;

  constructor(capacity = 50_000) {
    this.capacity = capacity;
  }

  /** The size the ReplicaSet had before this scaling, when known. */
  sizeBefore(
    setKey: string,
    scale: NonNullable<Retargeted['scale']>,
    timeUs: number,
    objects: ObjectStore,
  ): number | undefined {
    if (scale.from !== undefined) return scale.from;
    const known = this.sizes.get(setKey);
    if (known !== undefined) return known;
    const state = objects.get(setKey);
    if (state === undefined) return undefined;
    const gens = state.generations;
    for (let i = gens.length - 1; i > 0; i--) {
      const g = gens[i];
      const previous = gens[i - 1];
      if (g?.replicas === scale.to && previous?.replicas !== undefined && g.generation === previous.generation + 1)
        return previous.replicas;
    }
    const created = state.createdUs;
    if (scale.direction === 'up' && created !== undefined && created <= timeUs && timeUs - created <= NEW_SET_US)
      return 0;
    return undefined;
  }

  /** Records the size a placed scaling set. */
  record(setKey: string, to: number): void {
    this.sizes.delete(setKey);
    this.sizes.set(setKey, to);
    evictOldest(this.sizes, this.capacity);
  }

  /** Number of ReplicaSets remembered. */
  get size(): number {
    return this.sizes.size;
  }
}

/** How many children a scaling accounts for: |to − from|, or unbounded when the size before is unknown. */
export function scaleCapacity(to: number, from: number | undefined): number {
  return from === undefined ? Number.POSITIVE_INFINITY : Math.abs(to - from);
}

/**
 * A new scaling of a ReplicaSet ends the share of an earlier same-direction scaling of unknown size that
 * happened at least two seconds before: its children came right after it, so it accounts for those it got.
 */
export function closeEarlierScalings(
  recent: RecentSpans,
  setKey: string,
  actorKey: string,
  direction: 'up' | 'down',
  second: number,
): void {
  for (const s of recent.aboutObject(setKey)) {
    const scale = s.scale;
    if (s.actorKey !== actorKey || scale === undefined || scale.direction !== direction) continue;
    if (scale.capacity === Number.POSITIVE_INFINITY && Math.floor(s.startUs / 1_000_000) + CHILDREN_WITHIN_S < second)
      scale.capacity = scale.used;
  }
}
