import {
  autoscaleDeployment,
  autoscaleDuringRollout,
  createDeployment,
  scaleDeployment,
  updateImage,
  type DeploymentState,
} from './deployment.ts';
import { livePods, newNode, nodeNotReady } from './failures.ts';
import { NODES } from './scenarios-basic.ts';
import { manage, type SimObject } from './sim-object.ts';
import { createStatefulSet, deleteStatefulSet } from './statefulset.ts';
import type { Story } from './story.ts';
import { World, type WorldPlace } from './world.ts';

const S = 1_000_000;
const MS = 1000;
const PLACE = { nodes: NODES };

/** Six Deployments of one namespace created, updated and scaled within the same few seconds. */
export function busyNamespace(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const names = ['api', 'web', 'worker', 'cache', 'auth', 'search'];
  const states: DeploymentState[] = [];
  let settled = w.startUs;
  for (const name of names) {
    const t = w.startUs + w.rng.int(0, 1500) * MS;
    const { state, doneUs } = createDeployment(w, t, {
      name,
      replicas: w.rng.int(2, 3),
      image: `${name}:1.0`,
      placement: PLACE,
    });
    states.push(state);
    settled = Math.max(settled, doneUs);
  }
  // One `kubectl apply` of the whole namespace: every image changes within two seconds.
  const update = settled + w.rng.int(10, 30) * S;
  let after = update;
  for (const st of states)
    after = Math.max(after, updateImage(w, st, `${st.d.name}:1.1`, update + w.rng.int(0, 2000) * MS));
  // Then three of them scaled together.
  const scale = after + w.rng.int(10, 30) * S;
  for (const st of states.slice(0, 3)) scaleDeployment(w, st, st.replicas + 2, scale + w.rng.int(0, 1200) * MS);
  return w.finish('busy-namespace');
}

function hpaObject(w: World, target: SimObject, timeUs: number): SimObject {
  const hpa: SimObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    name: target.name,
    namespace: w.namespace,
    uid: w.uid(),
    generation: 1,
    creationUs: timeUs,
    labels: {},
    annotations: {},
    managedFields: [],
    spec: { minReplicas: 2, maxReplicas: 8, scaleTargetRef: { kind: 'Deployment', name: target.name } },
  };
  manage(hpa, timeUs, { manager: 'kubectl-autoscale', operation: 'Update', fieldsV1: { 'f:spec': {} } });
  w.write(hpa, timeUs);
  return hpa;
}

/** An HPA rescales a Deployment during its rolling update, and again after; a second Deployment rolls alongside. */
export function hpaRollout(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 4,
    image: 'web:1',
    placement: PLACE,
  });
  const other = createDeployment(w, w.startUs + w.rng.int(0, 900) * MS, {
    name: 'api',
    replicas: 2,
    image: 'api:1',
    placement: PLACE,
  });
  const hpa = hpaObject(w, state.d, doneUs + 2 * S);
  const update = Math.max(doneUs, other.doneUs) + w.rng.int(10, 30) * S;
  // The rescale lands a few seconds into the rollout: the controller's later steps follow the new spec.
  autoscaleDuringRollout(state, hpa, 6, update + w.rng.int(3, 8) * S);
  const updated = updateImage(w, state, 'web:2', update);
  updateImage(w, other.state, 'api:2', update + w.rng.int(0, 1500) * MS);
  autoscaleDeployment(w, state, hpa, 3, updated + w.rng.int(20, 60) * S);
  return w.finish('hpa-rollout');
}

/** A StatefulSet deleted and created again under the same name: its Pods' names come back with new uids. */
export function statefulSetReuse(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const first = createStatefulSet(w, w.startUs, 'db', 3, 'postgres:16', PLACE);
  const deleted = first.doneUs + w.rng.int(10, 30) * S;
  const gone = deleteStatefulSet(w, first.state, deleted);
  // Re-created right after its Pods went away (a `kubectl replace --force`).
  createStatefulSet(w, gone + w.rng.int(200, 900) * MS, 'db', 3, 'postgres:16.1', PLACE);
  return w.finish('statefulset-reuse');
}

/** A node fails during a rolling update: its Pods are evicted 300 s later and replaced on the others. */
export function nodeFailureRollout(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const nodes = NODES.map((n) => newNode(w, n, w.startUs - 3600 * S));
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 4,
    image: 'web:1',
    placement: PLACE,
  });
  const update = doneUs + w.rng.int(10, 30) * S;
  const victim = nodes.find((n) => state.sets.some((s) => livePods(s).some((p) => p.pod.nodeName === n.name)));
  if (victim === undefined) return w.finish('node-failure-rollout');
  // The scheduler avoids the NotReady node for the new Pods.
  const others = { nodes: NODES.filter((n) => n !== victim.name) };
  state.placement = others;
  updateImage(w, state, 'web:2', update);
  nodeNotReady(w, victim, state.sets, update + w.rng.int(2, 6) * S, others);
  return w.finish('node-failure-rollout');
}

/** A Pod crash-looping for three hours (back-off capped at 5 min): one Event per reason, updated all along. */
export function crashLoopHours(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  createDeployment(w, w.startUs, {
    name: 'crasher',
    replicas: 1,
    image: 'busybox:1.36',
    placement: { nodes: NODES, fate: 'crash-loop', imagePresent: true, failForMs: 3 * 3600 * 1000 },
  });
  return w.finish('crash-loop-hours');
}

/** A Pod Pending for 40 min (retried every 5 min: `FailedScheduling` as one growing series), then scheduled. */
export function pendingFortyMinutes(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  createDeployment(w, w.startUs, {
    name: 'big',
    replicas: 2,
    image: 'nginx:1.25',
    placement: { nodes: NODES, unschedulableForMs: 40 * 60 * 1000, retryCapS: 300 },
  });
  return w.finish('pending-40-minutes');
}
