import type { CoreV1Event, EventsV1Event, InputRecord, KubeEvent, ObjectReference } from '../core/index.ts';
import type { Truth, TruthEvent, TruthRoot } from '../simulator/story.ts';

/**
 * The ground truth of a live recording of the e2e story (Deployments created, scaled, rolled out and deleted
 * through the API; pods made by their ReplicaSets; nothing else acting), derived from the recording alone and
 * without the engine, from what the cluster itself wrote down:
 * - the order of writes: every Event's `metadata.resourceVersion` is the etcd revision that stored it, so
 *   sorting by it gives the order the controllers acted in, whatever order a watch delivered them in;
 * - the object each event names: `Created pod: X` / `Deleted pod: X` (a ReplicaSet's), `Scaled up|down
 *   replica set R …` (a Deployment's);
 * - the Deployment generation an event was recorded against: `regarding.resourceVersion` → that version's
 *   snapshot in the log.
 *
 * Causes:
 * - a Deployment's `ScalingReplicaSet` → the root of the Deployment at that generation;
 * - a ReplicaSet's k-th `SuccessfulCreate` (resp. `SuccessfulDelete`) → the scaling up (down) of that ReplicaSet
 *   whose change takes its count past k, in etcd order (a ReplicaSet scaled up by 2 then by 1 makes 2 then 1
 *   pods). The change is `to − from`; in the era whose message has no `from` (≤ 1.22: `Scaled up replica set R
 *   to 3`) it is counted from the previous scaling of the same ReplicaSet (0 before the first);
 * - an event about a Pod → the controller event that created it (`Killing`: the one that deleted it; with none,
 *   the root of the owning Deployment at its last generation: garbage collection of a deleted Deployment).
 *
 * Throws on what the e2e story does not do (an unknown reason, a pod of no known ReplicaSet), so a recording
 * of something else is refused rather than given a made-up truth.
 */
export function recordedTruth(records: readonly InputRecord[], scenario: string): Truth {
  const events = uniqueEvents(records);
  const deployments = deploymentVersions(records);
  const roots: Record<string, TruthRoot> = {};
  const truth: Record<string, TruthEvent> = {};
  const rootOf = (uid: string, generation: number): string => {
    const d = deployments.byUid.get(uid);
    if (d === undefined) throw new Error(`${scenario}: no snapshot of Deployment ${uid}`);
    const key = `root:${uid}:${generation}`;
    roots[key] = { kind: 'Deployment', namespace: d.namespace, name: d.name, uid, generation };
    return key;
  };
  /** Per ReplicaSet: its scalings in etcd order with their free slots, and its count after the last one. */
  const scalings = new Map<string, { uid: string; direction: 'up' | 'down'; free: number }[]>();
  const lastCount = new Map<string, number>();
  const createdBy = new Map<string, string>();
  const deletedBy = new Map<string, string>();
  const set = (e: Flat, parent: string): void => {
    truth[e.uid] = { parent, trace: '', kind: e.kind, name: e.name, reason: e.reason };
  };
  const pending: Flat[] = [];
  for (const e of events) {
    if (e.kind === 'Deployment' && e.reason === 'ScalingReplicaSet') {
      const s = SCALING.exec(e.message);
      if (s === null) throw new Error(`${scenario}: unreadable scaling "${e.message}"`);
      const rs = `${e.namespace}/${s[2]}`;
      const to = Number(s[4] ?? s[6]);
      const from = s[5] ?? s[3];
      const change = Math.abs(to - (from === undefined ? (lastCount.get(rs) ?? 0) : Number(from)));
      lastCount.set(rs, to);
      const list = scalings.get(rs) ?? [];
      list.push({ uid: e.uid, direction: s[1] as 'up' | 'down', free: change });
      scalings.set(rs, list);
      set(e, rootOf(e.regardingUid, deployments.generationAt(e.regardingUid, e.regardingVersion)));
    } else if (e.kind === 'ReplicaSet' && (e.reason === 'SuccessfulCreate' || e.reason === 'SuccessfulDelete')) {
      const pod = /^(?:Created|Deleted) pod: (\S+)$/.exec(e.message)?.[1];
      if (pod === undefined) throw new Error(`${scenario}: unreadable "${e.message}"`);
      (e.reason === 'SuccessfulCreate' ? createdBy : deletedBy).set(`${e.namespace}/${pod}`, e.uid);
      pending.push(e);
    } else if (e.kind === 'Pod') pending.push(e);
    else throw new Error(`${scenario}: ${e.kind} ${e.reason} is not part of the e2e story`);
  }
  // Second pass, once every scaling is known: a create may reach etcd before the scaling event it serves.
  for (const e of pending) {
    const key = `${e.namespace}/${e.name}`;
    if (e.kind === 'ReplicaSet') {
      const direction = e.reason === 'SuccessfulCreate' ? 'up' : 'down';
      const slot = (scalings.get(key) ?? []).find((s) => s.direction === direction && s.free > 0);
      if (slot === undefined) throw new Error(`${scenario}: ${e.reason} of ${key} with no scaling to serve`);
      slot.free -= 1;
      set(e, slot.uid);
      continue;
    }
    const parent = e.reason === 'Killing' ? (deletedBy.get(key) ?? collectedBy(e)) : createdBy.get(key);
    if (parent === undefined) throw new Error(`${scenario}: Pod ${key} was made by no ReplicaSet event in the log`);
    set(e, parent);
  }

  function collectedBy(e: Flat): string | undefined {
    const owner = deployments.ownerOfPod(e.namespace, e.name);
    return owner === undefined ? undefined : rootOf(owner.uid, owner.lastGeneration);
  }

  for (const [uid, t] of Object.entries(truth)) {
    let at = t.parent;
    for (let hops = 0; !at.startsWith('root:') && hops < 16; hops++) at = (truth[at] as TruthEvent).parent;
    truth[uid] = { ...t, trace: at };
  }
  return { scenario, seed: 0, roots, events: truth };
}

/** `Scaled up replica set R to 3` (≤ 1.22), `… to 3 from 1` (1.23–1.30), `… from 1 to 3` (1.31+). */
const SCALING = /Scaled (up|down) replica set (\S+) (?:from (\d+) to (\d+)|to (?:(\d+) from )?(\d+))/;

/** An Event reduced to what the truth needs, in either Event API. */
interface Flat {
  readonly uid: string;
  readonly version: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly regardingUid: string;
  readonly regardingVersion: number;
  readonly reason: string;
  readonly message: string;
}

function flat(e: KubeEvent): Flat {
  const v1 = e.apiVersion === 'events.k8s.io/v1' || 'regarding' in e;
  const about: ObjectReference = (v1 ? (e as EventsV1Event).regarding : (e as CoreV1Event).involvedObject) ?? {};
  const text = (v1 ? (e as EventsV1Event).note : (e as CoreV1Event).message) ?? '';
  return {
    uid: e.metadata?.uid ?? '',
    version: Number(e.metadata?.resourceVersion),
    kind: about.kind ?? '',
    namespace: about.namespace ?? '',
    name: about.name ?? '',
    regardingUid: about.uid ?? '',
    regardingVersion: Number(about.resourceVersion),
    reason: e.reason ?? '',
    message: text.replace(/^\(combined from similar events\): /, ''),
  };
}

/** Each Event once (its first delivery), in etcd order. */
function uniqueEvents(records: readonly InputRecord[]): Flat[] {
  const byUid = new Map<string, Flat>();
  for (const r of records) {
    if (r.type !== 'event') continue;
    const e = flat(r.event);
    if (e.uid === '' || Number.isNaN(e.version)) throw new Error('an Event without uid or resourceVersion');
    if (!byUid.has(e.uid)) byUid.set(e.uid, e);
  }
  return [...byUid.values()].sort((a, b) => a.version - b.version);
}

interface DeploymentHistory {
  readonly name: string;
  readonly namespace: string;
  /** [resourceVersion, generation] of every snapshot, ascending. */
  readonly versions: [number, number][];
  readonly lastGeneration: number;
}

/** The Deployments' snapshots, and which Deployment owns a Pod (through its ReplicaSet's name). */
function deploymentVersions(records: readonly InputRecord[]) {
  const byUid = new Map<string, DeploymentHistory & { versions: [number, number][]; lastGeneration: number }>();
  const rsOwner = new Map<string, string>();
  for (const r of records) {
    if (r.type !== 'object') continue;
    const o = r.object;
    const m = o.metadata ?? {};
    if (o.kind === 'Deployment' && m.uid !== undefined) {
      const d = byUid.get(m.uid) ?? {
        name: m.name ?? '',
        namespace: m.namespace ?? '',
        versions: [],
        lastGeneration: 0,
      };
      d.versions.push([Number(m.resourceVersion), m.generation ?? 0]);
      d.lastGeneration = Math.max(d.lastGeneration, m.generation ?? 0);
      byUid.set(m.uid, d);
    }
    if (o.kind === 'ReplicaSet') {
      const owner = m.ownerReferences?.find((x) => x.kind === 'Deployment');
      if (owner !== undefined) rsOwner.set(`${m.namespace ?? ''}/${m.name ?? ''}`, owner.uid);
    }
  }
  for (const d of byUid.values()) d.versions.sort((a, b) => a[0] - b[0]);
  return {
    byUid: byUid as ReadonlyMap<string, DeploymentHistory>,
    /** The generation of the newest snapshot at or before `version` (the event's `regarding.resourceVersion`). */
    generationAt(uid: string, version: number): number {
      const d = byUid.get(uid);
      if (d === undefined) throw new Error(`no snapshot of Deployment ${uid}`);
      let generation = d.versions[0]?.[1] ?? 0;
      for (const [v, g] of d.versions) if (v <= version) generation = g;
      return generation;
    },
    /** A Pod `R-xxxxx` of ReplicaSet `R` → R's owning Deployment. */
    ownerOfPod(namespace: string, pod: string): { uid: string; lastGeneration: number } | undefined {
      const rs = pod.slice(0, pod.lastIndexOf('-'));
      const uid = rsOwner.get(`${namespace}/${rs}`);
      const d = uid === undefined ? undefined : byUid.get(uid);
      return uid === undefined || d === undefined ? undefined : { uid, lastGeneration: d.lastGeneration };
    },
  };
}
