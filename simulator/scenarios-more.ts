import { createDeployment, deleteDeployment, rollbackDeployment, scaleDeployment, updateImage } from './deployment.ts';
import { evictPod, livePods, newNode, nodeNotReady, oomKill } from './failures.ts';
import { newPod, runPod } from './pod-lifecycle.ts';
import { newReplicaSet, reconcileReplicaSet } from './replicaset.ts';
import { NODES } from './scenarios-basic.ts';
import { updateStatefulSet, createStatefulSet } from './statefulset.ts';
import type { Story } from './story.ts';
import { createDaemonSet, runCronJob, runJob, updateDaemonSet } from './workloads.ts';
import { World, type WorldPlace } from './world.ts';

const S = 1_000_000;
const PLACE = { nodes: NODES };

/** Scale 2 → 5. */
export function scaleUp(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 2,
    image: 'nginx:1.25',
    placement: PLACE,
  });
  scaleDeployment(w, state, 5, doneUs + w.rng.int(10, 40) * S);
  return w.finish('scale-up');
}

/** Two `kubectl scale` within one second: their children cannot be told apart (ambiguous). */
export function doubleScale(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 2,
    image: 'nginx:1.25',
    placement: PLACE,
  });
  const t = Math.floor(doneUs / S + 20) * S + w.rng.int(0, 300_000);
  scaleDeployment(w, state, 3, t);
  scaleDeployment(w, state, 4, t + w.rng.int(100_000, 500_000));
  return w.finish('double-scale');
}

/** A rolling update, then `kubectl rollout undo`. */
export function rollback(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 3,
    image: 'nginx:1.25',
    placement: PLACE,
  });
  const updated = updateImage(w, state, 'nginx:1.26', doneUs + w.rng.int(10, 30) * S);
  rollbackDeployment(w, state, updated + w.rng.int(10, 30) * S);
  return w.finish('rollback');
}

/** A Deployment deleted (the garbage collector removes its ReplicaSet and Pods). */
export function deploymentDelete(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 3,
    image: 'nginx:1.25',
    placement: PLACE,
    legacyMessages: true,
  });
  deleteDeployment(w, state, doneUs + w.rng.int(10, 30) * S);
  return w.finish('deployment-delete');
}

/** A ReplicaSet without a Deployment. */
export function bareReplicaSet(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const set = newReplicaSet(w, 'cache', 'redis:7', 3, w.startUs, undefined, 'kubectl-client-side-apply');
  reconcileReplicaSet(w, set, w.root(set.rs), w.startUs, PLACE);
  return w.finish('replicaset-bare');
}

/** Two bare Pods (`kubectl run`). */
export function barePods(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  for (const name of ['debug', 'toolbox']) {
    const t = w.startUs + w.rng.int(0, 5) * S;
    const template = { image: 'busybox:1.36', container: name, labels: { run: name } };
    const pod = newPod(w, name, template, t, undefined, 'kubectl-run');
    runPod(w, pod, template, w.root(pod), t, { node: w.rng.pick(NODES) });
  }
  return w.finish('bare-pods');
}

/** A StatefulSet created, then its image changed (Pods replaced from the highest ordinal). */
export function statefulSetUpdate(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createStatefulSet(w, w.startUs, 'db', 3, 'postgres:16', PLACE);
  updateStatefulSet(w, state, 'postgres:16.1', doneUs + w.rng.int(10, 30) * S);
  return w.finish('statefulset-update');
}

/** A DaemonSet created on 3 nodes, then rolled node by node. */
export function daemonSetRollout(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { ds, pods, doneUs } = createDaemonSet(w, w.startUs, 'agent', NODES, 'fluent-bit:3.0');
  updateDaemonSet(w, ds, pods, 'fluent-bit:3.1', doneUs + w.rng.int(10, 30) * S);
  return w.finish('daemonset-rollout');
}

/** A Job of 6 completions, 3 in parallel. */
export function jobParallel(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  runJob(w, w.startUs, { name: 'batch', completions: 6, parallelism: 3, image: 'busybox:1.36', placement: PLACE });
  return w.finish('job-parallel');
}

/** A CronJob creating two Jobs, a minute apart. */
export function cronJob(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  runCronJob(w, w.startUs, 'report', 2, 'busybox:1.36', PLACE);
  return w.finish('cronjob');
}

/** A Deployment whose Pod crashes and restarts with growing back-off. */
export function crashLoop(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  createDeployment(w, w.startUs, {
    name: 'crasher',
    replicas: 1,
    image: 'busybox:1.36',
    placement: { nodes: NODES, fate: 'crash-loop', imagePresent: true, failForMs: 150_000 },
  });
  return w.finish('crash-loop');
}

/** A Pod that cannot be scheduled for a while, then is. */
export function failedScheduling(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  createDeployment(w, w.startUs, {
    name: 'big',
    replicas: 1,
    image: 'nginx:1.25',
    placement: { nodes: NODES, unschedulableForMs: 25_000 },
  });
  return w.finish('failed-scheduling');
}

/** One Pod evicted under memory pressure and replaced. */
export function podEvicted(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 3,
    image: 'nginx:1.25',
    placement: PLACE,
  });
  const set = state.sets[0];
  const victim = set === undefined ? undefined : livePods(set)[0];
  if (set !== undefined && victim !== undefined) evictPod(w, set, victim, doneUs + w.rng.int(10, 60) * S, PLACE);
  return w.finish('pod-evicted');
}

/** A container OOM-killed (reported on its Node) and restarted. */
export function oomKilled(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const nodes = NODES.map((n) => newNode(w, n, w.startUs - 3600 * S));
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 2,
    image: 'nginx:1.25',
    placement: PLACE,
  });
  const victim = state.sets[0] === undefined ? undefined : livePods(state.sets[0])[0];
  const node = nodes.find((n) => n.name === victim?.pod.nodeName);
  if (victim !== undefined && node !== undefined) oomKill(w, node, victim, doneUs + w.rng.int(10, 60) * S);
  return w.finish('oom-killed');
}

/** A Node goes NotReady; its Pods are marked, evicted after 300 s and replaced elsewhere. */
export function nodeNotReadyScenario(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const nodes = NODES.map((n) => newNode(w, n, w.startUs - 3600 * S));
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 3,
    image: 'nginx:1.25',
    placement: PLACE,
  });
  const victimNode = nodes.find((n) => state.sets.some((s) => livePods(s).some((p) => p.pod.nodeName === n.name)));
  if (victimNode !== undefined) nodeNotReady(w, victimNode, state.sets, doneUs + w.rng.int(10, 60) * S, PLACE);
  return w.finish('node-not-ready');
}
