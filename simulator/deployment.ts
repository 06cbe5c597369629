import { causeOf } from './event-render.ts';
import {
  availableAt,
  newReplicaSet,
  reconcileReplicaSet,
  resizeReplicaSet,
  type PodPlacement,
  type ReplicaSetState,
} from './replicaset.ts';
import { manage, type SimObject } from './sim-object.ts';
import type { Cause } from './story.ts';
import { stopPod } from './pod-lifecycle.ts';
import type { World } from './world.ts';

const MS = 1000;

/** A Deployment and its ReplicaSets while the simulation runs. */
export interface DeploymentState {
  readonly d: SimObject;
  replicas: number;
  image: string;
  /** maxSurge / maxUnavailable as fractions of replicas (25% each by default). */
  readonly surge: number;
  readonly unavailable: number;
  readonly sets: ReplicaSetState[];
  placement: PodPlacement;
  /** deployment-controller message style: the profile's, or the older "to %d" when set. */
  readonly legacyMessages: boolean;
  /** An autoscaler rescale due while a rollout runs (see `autoscaleDuringRollout`). */
  autoscale?: { readonly hpa: SimObject; readonly atUs: number; readonly to: number };
}

/** Options of a Deployment creation. */
export interface DeploymentOptions {
  readonly name: string;
  readonly replicas: number;
  readonly image: string;
  placement: PodPlacement;
  readonly manager?: string;
  readonly surge?: number;
  readonly unavailable?: number;
  readonly legacyMessages?: boolean;
}

/** A user creates a Deployment; the controllers roll it out. Returns the state and when it settled. */
export function createDeployment(
  w: World,
  timeUs: number,
  o: DeploymentOptions,
): { state: DeploymentState; doneUs: number } {
  const d: SimObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: o.name,
    namespace: w.namespace,
    uid: w.uid(),
    generation: 1,
    creationUs: timeUs,
    labels: { app: o.name },
    annotations: {},
    managedFields: [],
    spec: { replicas: o.replicas, template: { spec: { containers: [{ name: 'app', image: o.image }] } } },
  };
  manage(d, timeUs, {
    manager: o.manager ?? 'kubectl-client-side-apply',
    operation: 'Update',
    fieldsV1: specFields(true),
  });
  w.write(d, timeUs);
  const state: DeploymentState = {
    d,
    replicas: o.replicas,
    image: o.image,
    surge: o.surge ?? 0.25,
    unavailable: o.unavailable ?? 0.25,
    sets: [],
    placement: o.placement,
    legacyMessages: o.legacyMessages ?? false,
  };
  return { state, doneUs: rollOut(w, state, w.root(d), timeUs) };
}

/** A user changes spec.replicas through the scale subresource (`kubectl scale`). */
export function scaleDeployment(w: World, st: DeploymentState, to: number, timeUs: number): number {
  st.replicas = to;
  bump(w, st, timeUs, {
    manager: 'kubectl',
    operation: 'Update',
    subresource: 'scale',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  });
  const cause = w.root(st.d);
  const current = st.sets[st.sets.length - 1];
  if (current === undefined) return timeUs;
  const t = timeUs + w.rng.int(5, 40) * MS;
  return scaleSet(w, st, current, to, cause, t);
}

/** A user changes the image (`kubectl set image`): a rolling update to a new ReplicaSet. */
export function updateImage(
  w: World,
  st: DeploymentState,
  image: string,
  timeUs: number,
  manager = 'kubectl-set',
): number {
  st.image = image;
  bump(w, st, timeUs, { manager, operation: 'Update', fieldsV1: specFields(false) });
  return rollOut(w, st, w.root(st.d), timeUs);
}

/**
 * The horizontal-pod-autoscaler rescales the Deployment (pkg/controller/podautoscaler/horizontal.go:
 * `SuccessfulRescale` "New size: %d; reason: %s" on the HPA, then spec.replicas through the scale
 * subresource, a new generation). The HPA's event has no cause in the log: its own root span.
 */
function rescale(w: World, st: DeploymentState, hpa: SimObject, to: number, timeUs: number): void {
  const from = st.replicas;
  w.event({
    involved: hpa,
    reason: 'SuccessfulRescale',
    message: `New size: ${to}; reason: cpu resource utilization (percentage of request) ${to > from ? 'above' : 'below'} target`,
    component: 'horizontal-pod-autoscaler',
    timeUs,
    cause: w.root(hpa),
  });
  st.replicas = to;
  bump(w, st, timeUs + w.rng.int(3, 30) * MS, {
    manager: 'kube-controller-manager',
    operation: 'Update',
    subresource: 'scale',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  });
}

/** The autoscaler rescales a settled Deployment; the deployment-controller scales its ReplicaSet. */
export function autoscaleDeployment(w: World, st: DeploymentState, hpa: SimObject, to: number, timeUs: number): number {
  rescale(w, st, hpa, to, timeUs);
  const current = st.sets[st.sets.length - 1];
  if (current === undefined) return timeUs;
  return scaleSet(w, st, current, to, w.root(st.d), timeUs + w.rng.int(40, 90) * MS);
}

/** Schedules an autoscaler rescale at `atUs`, applied by the next rollout step at or after it. */
export function autoscaleDuringRollout(st: DeploymentState, hpa: SimObject, to: number, atUs: number): void {
  st.autoscale = { hpa, atUs, to };
}

/** A user rolls back (`kubectl rollout undo`): the previous ReplicaSet is scaled up again. */
export function rollbackDeployment(w: World, st: DeploymentState, timeUs: number): number {
  const previous = st.sets[st.sets.length - 2];
  if (previous === undefined) return timeUs;
  st.image = previous.template.image;
  // The previous ReplicaSet becomes the newest again.
  st.sets.splice(st.sets.indexOf(previous), 1);
  st.sets.push(previous);
  bump(w, st, timeUs, { manager: 'kubectl-rollout', operation: 'Update', fieldsV1: specFields(false) });
  return rollOut(w, st, w.root(st.d), timeUs, previous);
}

/** A user deletes the Deployment; the garbage collector deletes its ReplicaSets and Pods. */
export function deleteDeployment(w: World, st: DeploymentState, timeUs: number): number {
  // No controller records an event for garbage collection: the Pods' Killing has no cause in the log.
  const cause = w.root(st.d);
  w.write(st.d, timeUs, true);
  let end = timeUs;
  for (const set of st.sets) {
    const t = timeUs + w.rng.int(20, 300) * MS;
    w.write(set.rs, t, true);
    for (const kept of set.pods) {
      if (kept.deletedUs !== undefined) continue;
      kept.deletedUs = t;
      end = Math.max(end, stopPod(w, kept.pod, cause, t + w.rng.int(20, 300) * MS));
    }
  }
  return end;
}

// The deployment-controller's rolling update (pkg/controller/deployment/rolling.go): scale the newest
// ReplicaSet up within maxSurge, the old ones down within maxUnavailable, again each time a Pod is Ready.
function rollOut(w: World, st: DeploymentState, first: Cause, timeUs: number, reuse?: ReplicaSetState): number {
  let cause = first;
  let surge = Math.ceil(st.surge * st.replicas);
  let unavailable = Math.max(surge === 0 ? 1 : 0, Math.floor(st.unavailable * st.replicas));
  let t = timeUs + w.rng.int(5, 40) * MS;
  let fresh = reuse;
  if (fresh === undefined) {
    const initial = Math.min(st.replicas, st.replicas + surge - totalReplicas(st));
    fresh = newReplicaSet(w, st.d.name, st.image, Math.max(0, initial), t, st.d);
    st.sets.push(fresh);
    const scaling = scaleEvent(w, st, fresh, 0, fresh.replicas, cause, t);
    t = reconcileReplicaSet(w, fresh, causeOf(scaling), t, st.placement);
  }
  const newest = fresh;
  for (let step = 0; step < 100; step++) {
    const due = st.autoscale;
    if (due !== undefined && t >= due.atUs) {
      // The controller acts on the newest spec from here on: its steps belong to the autoscaler's generation.
      st.autoscale = undefined;
      rescale(w, st, due.hpa, due.to, due.atUs);
      cause = w.root(st.d);
      surge = Math.ceil(st.surge * st.replicas);
      unavailable = Math.max(surge === 0 ? 1 : 0, Math.floor(st.unavailable * st.replicas));
      t = Math.max(t, due.atUs) + w.rng.int(40, 90) * MS;
    }
    const room = st.replicas + surge - totalReplicas(st);
    if (newest.replicas < st.replicas && room > 0)
      t = scaleSet(w, st, newest, Math.min(st.replicas, newest.replicas + room), cause, t);
    const available = st.sets.reduce((n, s) => n + availableAt(s, t), 0);
    let canDrop = available - (st.replicas - unavailable);
    for (const old of st.sets) {
      if (old === newest || old.replicas === 0 || canDrop <= 0) continue;
      const drop = Math.min(canDrop, old.replicas);
      canDrop -= drop;
      t = scaleSet(w, st, old, old.replicas - drop, cause, t + w.rng.int(1, 10) * MS);
    }
    if (newest.replicas === st.replicas && st.sets.every((s) => s === newest || s.replicas === 0)) break;
    // Wait for the next Pod to become Ready; a rollout whose Pods never get Ready stalls here.
    const next = st.sets
      .flatMap((s) => s.pods)
      .map((p) => p.readyUs)
      .filter((r): r is number => r !== undefined && r > t);
    if (next.length === 0) break;
    t = Math.min(...next) + w.rng.int(5, 40) * MS;
  }
  const readies = newest.pods.map((p) => p.readyUs ?? t);
  return Math.max(t, ...readies);
}

function scaleSet(
  w: World,
  st: DeploymentState,
  set: ReplicaSetState,
  to: number,
  cause: Cause,
  timeUs: number,
): number {
  const from = set.replicas;
  if (from === to) return timeUs;
  resizeReplicaSet(w, set, to, timeUs);
  const scaling = scaleEvent(w, st, set, from, to, cause, timeUs);
  return reconcileReplicaSet(w, set, causeOf(scaling), timeUs, st.placement);
}

// pkg/controller/deployment/sync.go scaleReplicaSet: "Scaled %s replica set %s from %d to %d".
function scaleEvent(
  w: World,
  st: DeploymentState,
  set: ReplicaSetState,
  from: number,
  to: number,
  cause: Cause,
  timeUs: number,
) {
  const dir = to > from ? 'up' : 'down';
  const t = timeUs + w.rng.int(1, 5) * MS;
  const message = st.legacyMessages
    ? `Scaled ${dir} replica set ${set.rs.name} to ${to}`
    : w.profile.scaled(dir, set.rs.name, from, to);
  return w.event({
    involved: st.d,
    reason: 'ScalingReplicaSet',
    message,
    component: 'deployment-controller',
    timeUs: t,
    cause,
    ambiguityKey: `scale:${set.rs.uid}:${dir}:${Math.floor(t / 1_000_000)}`,
  });
}

function bump(w: World, st: DeploymentState, timeUs: number, entry: Parameters<typeof manage>[2]): void {
  st.d.generation = (st.d.generation ?? 0) + 1;
  st.d.spec = {
    ...st.d.spec,
    replicas: st.replicas,
    template: { spec: { containers: [{ name: 'app', image: st.image }] } },
  };
  manage(st.d, timeUs, entry);
  w.write(st.d, timeUs);
}

function totalReplicas(st: DeploymentState): number {
  return st.sets.reduce((n, s) => n + s.replicas, 0);
}

function specFields(all: boolean): Record<string, unknown> {
  const template = { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } } };
  return all
    ? {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { 'f:replicas': {}, 'f:selector': {}, ...template },
      }
    : { 'f:spec': template };
}
