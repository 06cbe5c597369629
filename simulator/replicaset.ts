import { causeOf } from './event-render.ts';
import { manage, type SimObject } from './sim-object.ts';
import type { Cause } from './story.ts';
import { newPod, runPod, stopPod, type PodFate, type PodTemplate } from './pod-lifecycle.ts';
import { templateHash } from './names.ts';
import type { World } from './world.ts';

const MS = 1000;

/** A Pod a controller keeps, with when it became Ready (undefined: not yet or never). */
export interface KeptPod {
  readonly pod: SimObject;
  /** The cause of the Pod's own events (its creation event). */
  readonly creation: Cause;
  /** The cause the controller acted on when creating it (a replacement inherits it). */
  readonly by: Cause;
  readonly readyUs: number | undefined;
  deletedUs?: number;
}

/** A ReplicaSet and the Pods it keeps. */
export interface ReplicaSetState {
  readonly rs: SimObject;
  readonly template: PodTemplate;
  replicas: number;
  readonly pods: KeptPod[];
}

/** How new Pods fare: nodes to land on, and their fate. */
export interface PodPlacement {
  readonly nodes: readonly string[];
  readonly fate?: PodFate;
  readonly imagePresent?: boolean;
  readonly failForMs?: number;
  readonly unschedulableForMs?: number;
  readonly retryCapS?: number;
}

/** Creates (and writes) a ReplicaSet named `<base>-<pod-template-hash>` with `replicas` wanted. */
export function newReplicaSet(
  w: World,
  base: string,
  image: string,
  replicas: number,
  timeUs: number,
  owner?: SimObject,
  manager = 'kube-controller-manager',
): ReplicaSetState {
  const hash = templateHash(w.rng);
  const labels = { app: base, 'pod-template-hash': hash };
  const rs: SimObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: `${base}-${hash}`,
    namespace: w.namespace,
    uid: w.uid(),
    generation: 1,
    creationUs: timeUs,
    labels,
    annotations:
      owner === undefined
        ? {}
        : { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/revision': '1' },
    managedFields: [],
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
    },
    ...(owner === undefined ? {} : { owner }),
  };
  manage(rs, timeUs, { manager, operation: 'Update', fieldsV1: rsFields(owner !== undefined) });
  w.write(rs, timeUs);
  return { rs, template: { image, container: 'app', labels }, replicas, pods: [] };
}

/** Sets spec.replicas (a new generation) and writes the ReplicaSet. */
export function resizeReplicaSet(
  w: World,
  st: ReplicaSetState,
  to: number,
  timeUs: number,
  manager = 'kube-controller-manager',
): void {
  st.replicas = to;
  st.rs.spec = { ...st.rs.spec, replicas: to };
  if (st.rs.owner !== undefined) st.rs.annotations['deployment.kubernetes.io/desired-replicas'] = String(to);
  st.rs.generation = (st.rs.generation ?? 0) + 1;
  manage(st.rs, timeUs, { manager, operation: 'Update', fieldsV1: rsFields(st.rs.owner !== undefined) });
  w.write(st.rs, timeUs);
}

/**
 * The replicaset-controller brings the live Pods to spec.replicas: `SuccessfulCreate` / `SuccessfulDelete`
 * events (pkg/controller/controller_utils.go: "Created pod: %v", "Deleted pod: %v"), each caused by `cause`.
 * Returns when the last write happened.
 */
export function reconcileReplicaSet(
  w: World,
  st: ReplicaSetState,
  cause: Cause,
  timeUs: number,
  placement: PodPlacement,
): number {
  let t = timeUs + w.rng.int(5, 30) * MS;
  const live = st.pods.filter((p) => p.deletedUs === undefined);
  for (let i = live.length; i < st.replicas; i++) {
    t += w.rng.int(2, 12) * MS;
    const pod = newPod(w, w.generateName(st.rs.name), st.template, t, st.rs);
    const created = w.event({
      involved: st.rs,
      reason: 'SuccessfulCreate',
      message: `Created pod: ${pod.name}`,
      component: 'replicaset-controller',
      timeUs: t + w.rng.int(1, 5) * MS,
      cause,
    });
    const readyUs = runPod(w, pod, st.template, created, t, { node: w.rng.pick(placement.nodes), ...placement });
    st.pods.push({ pod, creation: causeOf(created), by: cause, readyUs });
  }
  // Deletion ranks not-ready Pods first, then the most recently ready (controller.ActivePodsWithRanks).
  const victims = [...live]
    .sort((a, b) => (b.readyUs ?? Infinity) - (a.readyUs ?? Infinity))
    .slice(0, Math.max(0, live.length - st.replicas));
  for (const victim of victims) {
    t += w.rng.int(2, 12) * MS;
    victim.deletedUs = t;
    const deleted = w.event({
      involved: st.rs,
      reason: 'SuccessfulDelete',
      message: `Deleted pod: ${victim.pod.name}`,
      component: 'replicaset-controller',
      timeUs: t + w.rng.int(1, 5) * MS,
      cause,
    });
    stopPod(w, victim.pod, causeOf(deleted), t);
  }
  return t;
}

/** Pods of the ReplicaSet that are Ready and not being deleted at `timeUs`. */
export function availableAt(st: ReplicaSetState, timeUs: number): number {
  return st.pods.filter((p) => p.deletedUs === undefined && p.readyUs !== undefined && p.readyUs <= timeUs).length;
}

function rsFields(owned: boolean): Record<string, unknown> {
  return {
    'f:metadata': {
      'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} },
      ...(owned ? { 'f:annotations': {}, 'f:ownerReferences': {} } : {}),
    },
    'f:spec': { 'f:replicas': {}, 'f:selector': {}, 'f:template': {} },
  };
}
