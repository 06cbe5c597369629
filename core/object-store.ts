import type { KubeObject, ManagedFieldsEntry, OwnerReference } from './kube.ts';
import { objectKey } from './normalized-event.ts';
import { parseTimeUs } from './time.ts';

/** One spec generation of an object, and the change that made it. */
export interface GenerationInfo {
  readonly generation: number;
  /** When the spec change happened (managedFields time), microseconds. */
  readonly sinceUs: number;
  /** Field manager and operation of that change (`kubectl`, `Update`). */
  readonly manager: string;
  readonly operation: string;
}

/** What the core remembers of an object. */
export interface ObjectState {
  readonly key: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  uid: string;
  owners: readonly OwnerReference[];
  annotations: Readonly<Record<string, string>>;
  labels: Readonly<Record<string, string>>;
  /** Ascending by generation; bounded. */
  generations: GenerationInfo[];
  deletedAtUs?: number;
  lastSeenUs: number;
}

const MAX_GENERATIONS = 8;

/** The newest managedFields entry that changed `spec` (the scale subresource counts), else the newest of all. */
export function specChange(entries: readonly ManagedFieldsEntry[] | undefined): { manager: string; operation: string; timeUs?: number } {
  let best: { manager: string; operation: string; timeUs?: number } | undefined;
  let bestAny: typeof best;
  for (const e of entries ?? []) {
    const t = parseTimeUs(e.time);
    const candidate = { manager: e.manager ?? 'unknown', operation: e.operation ?? 'Update', ...(t !== undefined ? { timeUs: t } : {}) };
    const touchesSpec = e.fieldsV1 !== undefined && e.fieldsV1 !== null && typeof e.fieldsV1 === 'object' && 'f:spec' in e.fieldsV1;
    if (touchesSpec && (best === undefined || (t ?? -1) > (best.timeUs ?? -1))) best = candidate;
    if (bestAny === undefined || (t ?? -1) > (bestAny.timeUs ?? -1)) bestAny = candidate;
  }
  return best ?? bestAny ?? { manager: 'unknown', operation: 'Update' };
}

/** Snapshots of the objects events involve, by `Kind/namespace/name`, with their recent generations. */
export class ObjectStore {
  private readonly byKey = new Map<string, ObjectState>();

  /** Records a snapshot received at `atUs`; returns false for an object without kind, name or uid. */
  upsert(obj: KubeObject, atUs: number, deleted: boolean): boolean {
    const meta = obj.metadata;
    if (typeof obj.kind !== 'string' || meta === undefined || typeof meta.name !== 'string' || typeof meta.uid !== 'string') return false;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
    const key = objectKey({ kind: obj.kind, namespace, name: meta.name });
    let state = this.byKey.get(key);
    if (state === undefined || state.uid !== meta.uid) {
      // A new object (or one recreated under the same name, like a StatefulSet's pod).
      state = { key, kind: obj.kind, namespace, name: meta.name, uid: meta.uid, owners: [], annotations: {}, labels: {}, generations: [], lastSeenUs: atUs };
      this.byKey.set(key, state);
    }
    state.owners = Array.isArray(meta.ownerReferences) ? meta.ownerReferences.filter((o) => typeof o?.uid === 'string' && typeof o.kind === 'string' && typeof o.name === 'string') : [];
    state.annotations = meta.annotations ?? {};
    state.labels = meta.labels ?? {};
    state.lastSeenUs = Math.max(state.lastSeenUs, atUs);
    const generation = typeof meta.generation === 'number' ? meta.generation : 0;
    const last = state.generations[state.generations.length - 1];
    if (last === undefined || generation > last.generation) {
      const change = specChange(meta.managedFields);
      const since = change.timeUs ?? parseTimeUs(meta.creationTimestamp) ?? atUs;
      state.generations.push({ generation, sinceUs: Math.min(since, atUs), manager: change.manager, operation: change.operation });
      if (state.generations.length > MAX_GENERATIONS) state.generations.shift();
    }
    if (deleted) state.deletedAtUs = atUs;
    return true;
  }

  /** The object named `key`, if described. */
  get(key: string): ObjectState | undefined {
    return this.byKey.get(key);
  }

  /** The generation current at `timeUs` (the newest whose change is not after it; else the oldest known). */
  generationAt(state: ObjectState, timeUs: number): GenerationInfo | undefined {
    let pick: GenerationInfo | undefined;
    for (const g of state.generations) {
      if (g.sinceUs <= timeUs) pick = g;
      else break;
    }
    return pick ?? state.generations[0];
  }

  /** The controller owner of an object (or its first owner), as a key. */
  ownerKey(state: ObjectState): { key: string; ref: OwnerReference } | undefined {
    const ref = state.owners.find((o) => o.controller === true) ?? state.owners[0];
    if (ref === undefined) return undefined;
    return { key: objectKey({ kind: ref.kind, namespace: state.namespace, name: ref.name }), ref };
  }

  /**
   * Forgets deleted objects not seen since `deletedBeforeUs`, and any object not described since `staleBeforeUs`
   * (a driver describes an object again when it has not for a while), so memory follows the live cluster, not history.
   */
  prune(deletedBeforeUs: number, staleBeforeUs: number): void {
    for (const [key, s] of this.byKey) {
      if (s.lastSeenUs < staleBeforeUs || (s.deletedAtUs !== undefined && s.lastSeenUs < deletedBeforeUs)) this.byKey.delete(key);
    }
  }

  /** Number of objects held. */
  get size(): number {
    return this.byKey.size;
  }
}
