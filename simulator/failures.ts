import { causeOf, type EventHandle } from './event-render.ts';
import { kubeletEvent } from './pod-lifecycle.ts';
import { reconcileReplicaSet, type KeptPod, type ReplicaSetState } from './replicaset.ts';
import { manage, type SimObject } from './sim-object.ts';
import type { World } from './world.ts';
import type { PodPlacement } from './replicaset.ts';

const MS = 1000;
const S = 1_000_000;

/** A Node object (cluster-scoped; Nodes carry no metadata.generation). */
export function newNode(w: World, name: string, timeUs: number): SimObject {
  const node: SimObject = {
    apiVersion: 'v1',
    kind: 'Node',
    name,
    uid: w.uid(),
    creationUs: timeUs,
    labels: { 'kubernetes.io/hostname': name },
    annotations: {},
    managedFields: [],
    spec: {},
  };
  manage(node, timeUs, { manager: 'kubelet', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': {} } } });
  w.write(node, timeUs);
  return node;
}

/**
 * The kubelet evicts a Pod under memory pressure (pkg/kubelet/eviction: reason `Evicted`), stops it, and the
 * ReplicaSet replaces it; the replacement counts toward the same scaling, so it shares its cause.
 */
export function evictPod(
  w: World,
  set: ReplicaSetState,
  victim: KeptPod,
  timeUs: number,
  placement: PodPlacement,
): number {
  const pod = victim.pod;
  kubeletEvent(
    w,
    pod,
    'Evicted',
    `The node was low on resource: memory. Threshold quantity: 100Mi, available: ${w.rng.int(80_000, 99_000)}Ki. Container app was using ${w.rng.int(400_000, 900_000)}Ki, request is 0, has larger consumption of memory.`,
    timeUs,
    victim.creation,
    'Warning',
  );
  kubeletEvent(w, pod, 'Killing', w.profile.stopping('app', pod.uid), timeUs + w.rng.int(5, 60) * MS, victim.creation);
  victim.deletedUs = timeUs; // a Failed Pod no longer counts; the controller creates a replacement
  return reconcileReplicaSet(w, set, victim.by, timeUs + w.rng.int(50, 900) * MS, placement);
}

/**
 * The kernel OOM-kills the container: node-problem-detector reports `OOMKilling` on the Node (its only
 * cause in the log is the Node itself), and the kubelet restarts the container.
 */
export function oomKill(w: World, node: SimObject, victim: KeptPod, timeUs: number): number {
  const pid = w.rng.int(1000, 40_000);
  w.event({
    involved: node,
    reason: 'OOMKilling',
    message: `Memory cgroup out of memory: Killed process ${pid} (app) total-vm:${w.rng.int(500_000, 900_000)}kB, anon-rss:${w.rng.int(200_000, 400_000)}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1024kB oom_score_adj:999`,
    type: 'Warning',
    component: 'kernel-monitor',
    host: node.name,
    timeUs,
    cause: w.root(node),
  });
  let t = timeUs + w.rng.int(500, 2000) * MS;
  kubeletEvent(w, victim.pod, 'Pulled', 'Container image "nginx:1.25" already present on machine', t, victim.creation);
  t += w.rng.int(20, 120) * MS;
  kubeletEvent(w, victim.pod, 'Created', w.profile.created('app'), t, victim.creation);
  t += w.rng.int(40, 250) * MS;
  kubeletEvent(w, victim.pod, 'Started', w.profile.started('app'), t, victim.creation);
  return t;
}

/**
 * A Node stops reporting: node-lifecycle-controller records `NodeNotReady` on the Node and on each of its
 * Pods; after the not-ready toleration (300 s) taint-eviction deletes the Pods and their ReplicaSets
 * replace them (pkg/controller/nodelifecycle, pkg/controller/tainteviction).
 */
export function nodeNotReady(
  w: World,
  node: SimObject,
  sets: readonly ReplicaSetState[],
  timeUs: number,
  placement: PodPlacement,
): number {
  const nodeEvent: EventHandle = w.event({
    involved: node,
    reason: 'NodeNotReady',
    message: `Node ${node.name} status is now: NodeNotReady`,
    component: 'node-controller',
    timeUs,
    cause: w.root(node),
  });
  const cause = causeOf(nodeEvent);
  let end = timeUs;
  const evictAt = timeUs + 300 * S;
  for (const set of sets) {
    // Pods alive on the node when it failed (a rollout may have created more since, elsewhere).
    const victims = set.pods.filter(
      (p) => p.deletedUs === undefined && p.pod.nodeName === node.name && p.pod.creationUs < timeUs,
    );
    for (const victim of victims) {
      const t = timeUs + w.rng.int(5, 900) * MS;
      w.event({
        involved: victim.pod,
        reason: 'NodeNotReady',
        message: 'Node is not ready',
        type: 'Warning',
        component: 'node-controller',
        timeUs: t,
        cause,
      });
      const marked = evictAt + w.rng.int(5, 900) * MS;
      w.event({
        involved: victim.pod,
        reason: 'TaintManagerEviction',
        message: `Marking for deletion Pod ${w.namespace}/${victim.pod.name}`,
        component: 'taint-eviction-controller',
        timeUs: marked,
        cause,
      });
      victim.deletedUs = marked;
      victim.pod.deletionUs = marked;
      w.write(victim.pod, marked + w.rng.int(5, 200) * MS, true);
    }
    if (victims.length > 0) {
      const others = { ...placement, nodes: placement.nodes.filter((n) => n !== node.name) };
      end = Math.max(
        end,
        reconcileReplicaSet(w, set, victims[0]?.by ?? cause, evictAt + w.rng.int(900, 1500) * MS, others),
      );
    }
  }
  return end;
}

/** Pods of a set that run on some node and are alive (for picking victims). */
export function livePods(set: ReplicaSetState): KeptPod[] {
  return set.pods.filter((p) => p.deletedUs === undefined);
}
