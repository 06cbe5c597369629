import { isClusterScoped } from './cluster-scoped.ts';
import type { KubeObject, ManagedFieldsEntry, OwnerReference } from './kube.ts';
import { objectKey } from './normalized-event.ts';
import { revisionOf } from './revision.ts';
import { summarizeSpec, type SpecSummary } from './spec-diff.ts';
import { parseTimeUs } from './time.ts';
import { RecencyList } from './recency-list.ts';
import { evictOldest } from './evict-oldest.ts';
import { TOP_LEVEL_SPAN_ANNOTATION } from './rules/top-level-annotation.ts';

/** One spec generation of an object, and the change that made it. */
export interface GenerationInfo {
  readonly generation: number;
  /** When the spec change happened (managedFields time), microseconds. */
  readonly sinceUs: number;
  /** Field manager and operation of that change (`kubectl`, `Update`). */
  readonly manager: string;
  readonly operation: string;
  /** `spec.replicas` of this generation, when the kind has it. */
  readonly replicas?: number;
  /**
   * The change had no managedFields time (nor, for a first generation, a creationTimestamp): `sinceUs` is when its
   * snapshot arrived, late by up to the delivery delay, or much later after a restart.
   */
  readonly approximate?: boolean;
  /** The smallest `metadata.resourceVersion` seen at this generation (integer etcd revisions only). */
  revision?: number | undefined;
  /** A bounded summary of this generation's `spec`, kept for objects without a controller (roots of traces). */
  readonly spec?: SpecSummary | undefined;
}

/** How late a snapshot may arrive after the change it shows (delivery delay), for untimed changes. */
const UNTIMED_TOLERANCE_US = 5_000_000;

/** What the core remembers of an object. */
export interface ObjectState {
  readonly key: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  uid: string;
  /** The owner references, reduced to what the rules read (kind, name, uid, controller). */
  owners: readonly OwnerReference[];
  /** The `kspan.io/topLevelSpan` annotation, the only one the rules read (others, like last-applied-configuration, are large). */
  topLevelSpan?: string;
  /** Ascending by generation; bounded. */
  generations: GenerationInfo[];
  /**
   * The earliest the object may have been deleted: `deletionTimestamp` (or a namesake's creation) when known,
   * else when its deletion arrived less the delivery delay, so that it does not depend on how late it came.
   */
  deletedAtUs?: number;
  lastSeenUs: number;
  /** A Pod's node (`spec.nodeName`, or the node the scheduler assigned it to). */
  nodeName?: string;
  /** `metadata.creationTimestamp`, to tell a namesake's stale snapshot from a newer object. */
  createdUs?: number;
  /** The newest `metadata.resourceVersion` applied (when it is an integer, as etcd revisions are). */
  revision?: number;
  /** The namesake this object took the name from (one level only, so a name reused often holds two objects). */
  previous?: ObjectState;
  /** The store's last-seen order (a list through the objects it holds): the object seen just before and after. */
  older?: ObjectState | undefined;
  newer?: ObjectState | undefined;
  /** ownerKey's answer for `owners` (the array it was computed from), so that the key is built once per owners seen. */
  ownerOf?:
    { readonly owners: readonly OwnerReference[]; readonly key: string; readonly ref: OwnerReference } | undefined;
}

const MAX_GENERATIONS = 8;

const NO_OWNERS: readonly OwnerReference[] = Object.freeze([]);

/** True when one of the owners is the controller (a loop, not some() with a closure: every new generation asks). */
function hasController(owners: readonly OwnerReference[]): boolean {
  for (const o of owners) if (o.controller === true) return true;
  return false;
}

/** True when `refs` are well formed and `held` is what ownersOf would copy of them, field for field. */
function sameOwners(
  refs: readonly (Partial<OwnerReference> | undefined | null)[],
  held: readonly OwnerReference[],
): boolean {
  if (refs.length !== held.length) return false;
  for (let i = 0; i < refs.length; i++) {
    const o = refs[i];
    const h = held[i] as OwnerReference;
    if (
      o?.uid !== h.uid ||
      o.kind !== h.kind ||
      o.name !== h.name ||
      (o.controller === true) !== (h.controller === true)
    )
      return false;
  }
  return true;
}

/**
 * The well-formed owner references, copied down to the fields the rules read (not `apiVersion`, `blockOwnerDeletion`);
 * `held` itself when it is that already (most snapshots of an object name the same owners: nothing new is kept).
 */
function ownersOf(refs: unknown, held: readonly OwnerReference[] = NO_OWNERS): readonly OwnerReference[] {
  if (!Array.isArray(refs) || refs.length === 0) return NO_OWNERS;
  if (held.length > 0 && sameOwners(refs as (Partial<OwnerReference> | undefined | null)[], held)) return held;
  // Of the exact size (pushing grows an array by 16 spare slots, most of its memory): every object held keeps one.
  const owners = new Array<OwnerReference>(refs.length);
  let n = 0;
  for (const o of refs as (Partial<OwnerReference> | undefined | null)[]) {
    if (typeof o?.uid !== 'string' || typeof o.kind !== 'string' || typeof o.name !== 'string') continue;
    owners[n++] =
      o.controller === true
        ? { kind: o.kind, name: o.name, uid: o.uid, controller: true }
        : { kind: o.kind, name: o.name, uid: o.uid };
  }
  if (n === 0) return NO_OWNERS;
  owners.length = n;
  return owners;
}

/**
 * Who made a new generation: the newest managedFields entry that touched `spec` (the scale subresource
 * counts). An entry newer than the previous generation wins; the API server leaves `time` out of some
 * entries (seen on `kubectl scale`'s subresource entry), so when no timed entry is newer than the previous
 * generation, an untimed spec entry is the change. Operation `Update` on the scale subresource reads `Scale`.
 * The scale subresource writes nothing but `spec.replicas`: when the replicas did not change (`scaled` false),
 * its entry is not the change. A time not after the previous generation's is stale, not the change's: the
 * 1.22 API server leaves an entry as it was when its manager changes only values of fields it already owns
 * (seen live: an image update kept the entry time of the Deployment's creation).
 */
export function specChange(
  entries: readonly ManagedFieldsEntry[] | undefined,
  previousSinceUs = Number.NEGATIVE_INFINITY,
  scaled = true,
): { manager: string; operation: string; timeUs?: number | undefined } {
  let best: ManagedFieldsEntry | undefined;
  let bestUs = Number.NEGATIVE_INFINITY;
  let untimed: ManagedFieldsEntry | undefined;
  let newestAny: ManagedFieldsEntry | undefined;
  let newestAnyUs = Number.NEGATIVE_INFINITY;
  for (const e of entries ?? []) {
    const t = parseTimeUs(e.time);
    const touchesSpec =
      e.fieldsV1 !== undefined &&
      e.fieldsV1 !== null &&
      typeof e.fieldsV1 === 'object' &&
      'f:spec' in e.fieldsV1 &&
      (scaled || e.subresource !== 'scale');
    if (touchesSpec && t === undefined) untimed ??= e;
    if (touchesSpec && t !== undefined && t > bestUs) {
      best = e;
      bestUs = t;
    }
    if (t !== undefined && t > newestAnyUs) {
      newestAny = e;
      newestAnyUs = t;
    }
  }
  const pick =
    best !== undefined && (bestUs > previousSinceUs || untimed === undefined) ? best : (untimed ?? best ?? newestAny);
  if (pick === undefined) return { manager: 'unknown', operation: 'Update' };
  const operation = pick.subresource === 'scale' ? 'Scale' : (pick.operation ?? 'Update');
  const pickedUs = pick === untimed ? undefined : parseTimeUs(pick.time);
  const timeUs = pickedUs !== undefined && pickedUs > previousSinceUs ? pickedUs : undefined;
  // A plain property (undefined when the change has no time of its own), not a spread one: nothing copied.
  return { manager: pick.manager ?? 'unknown', operation, timeUs };
}

/** Snapshots of the objects events involve, by `Kind/namespace/name`, with their recent generations. */
export class ObjectStore {
  private readonly byKey = new Map<string, ObjectState>();
  /**
   * The objects in `byKey` in last-seen order, oldest first, so pruning stale objects reads only the stale front:
   * a list through the objects (moving one to the newest end is two links, not a delete and a set in `byKey`).
   */
  private readonly seen = new RecencyList<ObjectState>();
  private readonly assigned = new Map<string, string>();
  /** Keys of deleted objects, in the order their deletion was seen. */
  private deletions: string[] = [];
  /**
   * How late a record may arrive after what it shows (the reorder window less its 1 s of slack): a deletion known
   * only by when it arrived happened at most this much earlier.
   */
  private readonly deliveryDelayUs: number;
  /** Objects whose name a newer object took (a StatefulSet or Pod created again), by uid; bounded. */
  private readonly replaced = new Map<string, ObjectState>();
  /** The objects in `byKey` by uid (uids are unique cluster-wide, whatever kind and namespace). */
  private readonly byUidIndex = new Map<string, ObjectState>();

  constructor(deliveryDelayUs = 4_000_000) {
    this.deliveryDelayUs = deliveryDelayUs;
  }

  /** Records a snapshot received at `atUs`; returns false for an object without kind, name or uid. */
  upsert(obj: KubeObject, atUs: number, deleted: boolean): boolean {
    const meta = obj.metadata;
    if (
      typeof obj.kind !== 'string' ||
      meta === undefined ||
      typeof meta.name !== 'string' ||
      typeof meta.uid !== 'string'
    )
      return false;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
    const key = objectKey({ kind: obj.kind, namespace, name: meta.name });
    let state = this.byKey.get(key);
    const createdUs = parseTimeUs(meta.creationTimestamp);
    if (
      state !== undefined &&
      state.uid !== meta.uid &&
      createdUs !== undefined &&
      state.createdUs !== undefined &&
      createdUs < state.createdUs
    ) {
      // A late snapshot of a namesake that was already replaced (a StatefulSet Pod recreated): only its deletion counts.
      const old = this.replaced.get(meta.uid);
      const gone = parseTimeUs(meta.deletionTimestamp) ?? (deleted ? atUs - this.deliveryDelayUs : undefined);
      if (old !== undefined && gone !== undefined) old.deletedAtUs = Math.min(old.deletedAtUs ?? gone, gone);
      return true;
    }
    if (state !== undefined && state.uid !== meta.uid) {
      // The name is taken again: the older object is gone, and kept apart for the events that still name it.
      state.deletedAtUs ??= Math.min(atUs - this.deliveryDelayUs, createdUs ?? atUs);
      this.replaced.delete(state.uid);
      this.replaced.set(state.uid, state);
      if (this.byUidIndex.get(state.uid) === state) this.byUidIndex.delete(state.uid);
      evictOldest(this.replaced, 10_000);
    }
    if (state === undefined || state.uid !== meta.uid) {
      // A new object (or one recreated under the same name, like a StatefulSet's pod).
      const displaced = state;
      state = {
        key,
        kind: obj.kind,
        namespace,
        name: meta.name,
        uid: meta.uid,
        owners: [],
        generations: [],
        lastSeenUs: atUs,
        createdUs,
        older: undefined,
        newer: undefined,
        ownerOf: undefined,
      };
      const node = this.assigned.get(key);
      if (node !== undefined) {
        state.nodeName = node;
        this.assigned.delete(key);
      }
      if (displaced !== undefined) {
        displaced.previous = undefined;
        state.previous = displaced;
        this.seen.unlink(displaced);
      }
      this.byKey.set(key, state);
      this.byUidIndex.set(meta.uid, state);
      this.seen.append(state);
    }
    // Snapshots can arrive out of order: metadata follows the newest resourceVersion only.
    const revision = revisionOf(meta.resourceVersion);
    if (revision === undefined || state.revision === undefined || revision >= state.revision) {
      state.owners = ownersOf(meta.ownerReferences, state.owners);
      // Only what the rules read is kept: the snapshot itself is let go (memory per object, not per snapshot).
      const annotation = meta.annotations?.[TOP_LEVEL_SPAN_ANNOTATION];
      state.topLevelSpan = typeof annotation === 'string' ? annotation : undefined;
      const spec = obj.spec as { nodeName?: unknown } | undefined;
      if (spec !== undefined && spec !== null && typeof spec.nodeName === 'string' && spec.nodeName !== '')
        state.nodeName = spec.nodeName;
      if (revision !== undefined) state.revision = revision;
    }
    state.lastSeenUs = Math.max(state.lastSeenUs, atUs);
    // Keep the last-seen order, so pruning stale objects reads only the stale front.
    this.seen.bump(state);
    this.recordGeneration(state, obj, atUs);
    const marked = parseTimeUs(meta.deletionTimestamp);
    if ((deleted || marked !== undefined) && state.deletedAtUs === undefined) this.deletions.push(key);
    if (deleted || marked !== undefined)
      state.deletedAtUs = Math.min(
        state.deletedAtUs ?? Number.POSITIVE_INFINITY,
        marked ?? atUs - this.deliveryDelayUs,
        atUs,
      );
    return true;
  }

  /** Adds the snapshot's generation to the history, in order, even when an older one arrives late. */
  private recordGeneration(state: ObjectState, obj: KubeObject, atUs: number): void {
    const meta = obj.metadata ?? {};
    const generation = typeof meta.generation === 'number' ? meta.generation : 0;
    const gens = state.generations;
    let index = gens.length;
    while (index > 0 && (gens[index - 1] as GenerationInfo).generation > generation) index--;
    const revision = revisionOf(meta.resourceVersion);
    const same = gens[index - 1];
    if (index > 0 && same !== undefined && same.generation === generation) {
      if (revision !== undefined && (same.revision === undefined || revision < same.revision)) same.revision = revision;
      return;
    }
    const previous = gens[index - 1];
    const spec = obj.spec as { replicas?: unknown } | undefined;
    const replicas =
      spec !== undefined && spec !== null && typeof spec.replicas === 'number' ? spec.replicas : undefined;
    const scaled = previous?.replicas === undefined || replicas === undefined || previous.replicas !== replicas;
    const change = specChange(meta.managedFields, previous?.sinceUs, scaled);
    // Untimed change: the creation for a first generation, else when the snapshot came, in whole seconds like
    // managedFields times (so that events of that second still find it).
    const created = previous === undefined ? parseTimeUs(meta.creationTimestamp) : undefined;
    // The first generation's change is the creation: a managedFields entry only moves later (its manager changed
    // other fields since, as a rebuild from a re-list sees it), which would start the trace after its events.
    const since =
      (generation === 1 ? created : undefined) ?? change.timeUs ?? created ?? Math.floor(atUs / 1_000_000) * 1_000_000;
    const added: GenerationInfo = {
      generation,
      sinceUs: Math.min(since, atUs),
      manager: change.manager,
      operation: change.operation,
      replicas,
      // Dated by its snapshot's arrival (a rebuild from a re-list sees it long after its events), not by the change.
      approximate: change.timeUs === undefined && created === undefined,
      // Plain properties (undefined when absent), not spread ones: one shape for every generation, nothing copied.
      revision,
      // Only roots say what changed; a controlled object (a Pod, a ReplicaSet) keeps no spec.
      spec: hasController(state.owners) ? undefined : summarizeSpec(obj.spec),
    };
    // A new array of the exact size, `added` at `index`, the oldest dropped beyond MAX_GENERATIONS (what splice
    // then shift did, without the spare slots a grown array keeps: every object held has one).
    const n = gens.length + 1;
    const skip = n > MAX_GENERATIONS ? 1 : 0;
    const next = new Array<GenerationInfo>(n - skip);
    for (let k = skip; k < n; k++)
      next[k - skip] = k < index ? (gens[k] as GenerationInfo) : k === index ? added : (gens[k - 1] as GenerationInfo);
    state.generations = next;
  }

  /** Records the node a Pod was assigned to (from the scheduler's event), for Pods not described yet too. */
  assignNode(podKey: string, nodeName: string): void {
    const state = this.byKey.get(podKey);
    if (state !== undefined) state.nodeName = nodeName;
    else {
      this.assigned.set(podKey, nodeName);
      evictOldest(this.assigned, 10_000);
    }
  }

  /** The node a Pod runs on, if known: of the Pod an event at `timeUs` is about (see `subjectAt`). */
  nodeOf(podKey: string, uid?: string, timeUs?: number, ends = false): string | undefined {
    const state = timeUs === undefined ? this.byKey.get(podKey) : this.subjectAt(podKey, uid, timeUs, ends);
    return state?.nodeName ?? this.assigned.get(podKey);
  }

  /**
   * The object named `key` that an event at `timeUs` is about, whether or not a namesake's snapshot arrived yet:
   * the one with `uid` when the event names it; else a namesake created after the event (for an event that ends
   * the object, a deletion: created in its second or after, as times are whole seconds) is not it, the one it
   * replaced is.
   */
  subjectAt(key: string, uid: string | undefined, timeUs: number, ends: boolean): ObjectState | undefined {
    if (uid !== undefined && uid !== '') {
      const named = this.getByUid(key, uid);
      if (named !== undefined) return named;
    }
    const current = this.byKey.get(key);
    const created = current?.createdUs;
    if (current?.previous === undefined || created === undefined) return current;
    return (ends ? created >= timeUs : created > timeUs) ? current.previous : current;
  }

  /** The object named `key` with this uid: the current one, or a namesake it replaced. */
  getByUid(key: string, uid: string): ObjectState | undefined {
    const current = this.byKey.get(key);
    if (current?.uid === uid) return current;
    const old = this.replaced.get(uid);
    return old?.key === key ? old : undefined;
  }

  /** The object with this uid, whatever its kind and namespace: a current one, or a namesake it replaced. */
  byUid(uid: string): ObjectState | undefined {
    return this.byUidIndex.get(uid) ?? this.replaced.get(uid);
  }

  /** The object named `key`, if described. */
  get(key: string): ObjectState | undefined {
    return this.byKey.get(key);
  }

  /**
   * The generation current at `timeUs` (the newest whose change is not after it; else the oldest known).
   * Changes carry whole-second times, so several generations can tie within one second: then the one whose
   * `spec.replicas` equals `replicasHint` (the size a scaling event reports) wins.
   */
  generationAt(
    state: ObjectState,
    timeUs: number,
    replicasHint?: number,
    refRevision?: number,
  ): GenerationInfo | undefined {
    // An event names the object as its reporter saw it (involvedObject.resourceVersion): that snapshot's
    // generation is the one it acted on, whatever the clocks say (objects without managedFields times).
    if (refRevision !== undefined) {
      let byRevision: GenerationInfo | undefined;
      for (const g of state.generations) if (g.revision !== undefined && g.revision <= refRevision) byRevision = g;
      if (byRevision !== undefined) return byRevision;
    }
    let pick: GenerationInfo | undefined;
    let index = -1;
    // A loop, not forEach with a closure: the root-object rule asks this for most events.
    const gens = state.generations;
    for (let i = 0; i < gens.length; i++) {
      const g = gens[i] as GenerationInfo;
      if (g.sinceUs <= timeUs) {
        pick = g;
        index = i;
      }
    }
    if (pick === undefined) return state.generations[0];
    if (replicasHint === undefined || pick.replicas === replicasHint) return pick;
    const second = Math.floor(pick.sinceUs / 1_000_000);
    // Newest first: a generation whose untimed change was seen just after the event, then those of the same second.
    for (let i = state.generations.length - 1; i > index; i--) {
      const g = state.generations[i] as GenerationInfo;
      if (g.approximate === true && g.sinceUs <= timeUs + UNTIMED_TOLERANCE_US && g.replicas === replicasHint) return g;
    }
    for (let i = index - 1; i >= 0; i--) {
      const g = state.generations[i] as GenerationInfo;
      if (Math.floor(g.sinceUs / 1_000_000) !== second) break;
      if (g.replicas === replicasHint) return g;
    }
    return pick;
  }

  /** The controller owner of an object (or its first owner), as a key. */
  ownerKey(state: ObjectState): { readonly key: string; readonly ref: OwnerReference } | undefined {
    const owners = state.owners;
    const cached = state.ownerOf;
    if (cached !== undefined && cached.owners === owners) return cached;
    let ref: OwnerReference | undefined;
    for (const o of owners)
      if (o.controller === true) {
        ref = o;
        break;
      }
    ref ??= owners[0];
    if (ref === undefined) return undefined;
    // A cluster-scoped owner (a Node owning its Lease) has no namespace.
    const namespace = isClusterScoped(ref.kind) ? '' : state.namespace;
    const found = { owners, key: objectKey({ kind: ref.kind, namespace, name: ref.name }), ref };
    state.ownerOf = found;
    return found;
  }

  /**
   * Forgets deleted objects not seen since `deletedBeforeUs`, and any object not described since `staleBeforeUs`
   * (a driver describes an object again when it has not for a while), so memory follows the live cluster, not history.
   */
  prune(deletedBeforeUs: number, staleBeforeUs: number): void {
    for (let s = this.seen.oldest; s !== undefined && s.lastSeenUs < staleBeforeUs; s = this.seen.oldest)
      this.forget(s.key, s);
    let kept = 0;
    for (const key of this.deletions) {
      const s = this.byKey.get(key);
      if (s === undefined || s.deletedAtUs === undefined) continue;
      if (s.lastSeenUs < deletedBeforeUs) this.forget(key, s);
      else this.deletions[kept++] = key;
    }
    this.deletions.length = kept;
  }

  private forget(key: string, s: ObjectState): void {
    this.byKey.delete(key);
    this.seen.unlink(s);
    if (this.byUidIndex.get(s.uid) === s) this.byUidIndex.delete(s.uid);
  }

  /** Number of objects held. */
  get size(): number {
    return this.byKey.size;
  }
}
