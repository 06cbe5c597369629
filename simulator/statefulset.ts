import { causeOf } from './event-render.ts';
import { newPod, runPod, stopPod, type PodTemplate } from './pod-lifecycle.ts';
import type { PodPlacement } from './replicaset.ts';
import { manage, type SimObject } from './sim-object.ts';
import type { Cause } from './story.ts';
import type { World } from './world.ts';

const MS = 1000;

/** A StatefulSet and its ordinal Pods. */
export interface StatefulSetState {
  readonly sts: SimObject;
  template: PodTemplate;
  readonly pods: (SimObject | undefined)[];
  readonly placement: PodPlacement;
}

/**
 * A user creates a StatefulSet; the statefulset-controller creates Pods in order, each once the previous
 * one is Ready (OrderedReady). Messages: pkg/controller/statefulset/stateful_pod_control.go.
 */
export function createStatefulSet(
  w: World,
  timeUs: number,
  name: string,
  replicas: number,
  image: string,
  placement: PodPlacement,
): { state: StatefulSetState; doneUs: number } {
  const labels = { app: name };
  const sts: SimObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    name,
    namespace: w.namespace,
    uid: w.uid(),
    generation: 1,
    creationUs: timeUs,
    labels,
    annotations: {},
    managedFields: [],
    spec: {
      replicas,
      serviceName: name,
      podManagementPolicy: 'OrderedReady',
      template: { spec: { containers: [{ name: 'app', image }] } },
    },
  };
  manage(sts, timeUs, {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    fieldsV1: {
      'f:metadata': { 'f:labels': {} },
      'f:spec': { 'f:replicas': {}, 'f:serviceName': {}, 'f:template': {} },
    },
  });
  w.write(sts, timeUs);
  const state: StatefulSetState = { sts, template: { image, container: 'app', labels }, pods: [], placement };
  const cause = w.root(sts);
  let t = timeUs + w.rng.int(5, 40) * MS;
  for (let i = 0; i < replicas; i++) {
    const ready = createOrdinal(w, state, i, cause, t);
    if (ready === undefined) return { state, doneUs: t };
    t = ready + w.rng.int(5, 40) * MS;
  }
  return { state, doneUs: t };
}

/** A user changes the image; Pods are replaced from the highest ordinal down (RollingUpdate). */
export function updateStatefulSet(w: World, st: StatefulSetState, image: string, timeUs: number): number {
  st.sts.generation = (st.sts.generation ?? 0) + 1;
  st.sts.spec = { ...st.sts.spec, template: { spec: { containers: [{ name: 'app', image }] } } };
  st.template = { ...st.template, image };
  manage(st.sts, timeUs, {
    manager: 'kubectl-set',
    operation: 'Update',
    fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': {} } } } },
  });
  w.write(st.sts, timeUs);
  const cause = w.root(st.sts);
  let t = timeUs + w.rng.int(5, 40) * MS;
  for (let i = st.pods.length - 1; i >= 0; i--) {
    const old = st.pods[i];
    if (old !== undefined) {
      const deleted = w.event({
        involved: st.sts,
        reason: 'SuccessfulDelete',
        message: `delete Pod ${old.name} in StatefulSet ${st.sts.name} successful`,
        component: 'statefulset-controller',
        timeUs: t,
        cause,
      });
      t = stopPod(w, old, causeOf(deleted), t) + w.rng.int(5, 40) * MS;
    }
    const ready = createOrdinal(w, st, i, cause, t);
    if (ready === undefined) return t;
    t = ready + w.rng.int(5, 40) * MS;
  }
  return t;
}

/**
 * A user deletes the StatefulSet; the garbage collector deletes its Pods (no controller event: their
 * `Killing` has as cause the StatefulSet's current generation). Returns when the last Pod is gone.
 */
export function deleteStatefulSet(w: World, st: StatefulSetState, timeUs: number): number {
  const cause = w.root(st.sts);
  w.write(st.sts, timeUs, true);
  let end = timeUs;
  for (const pod of st.pods) {
    if (pod === undefined) continue;
    end = Math.max(end, stopPod(w, pod, cause, timeUs + w.rng.int(20, 400) * MS));
  }
  return end;
}

function createOrdinal(w: World, st: StatefulSetState, i: number, cause: Cause, timeUs: number): number | undefined {
  const pod = newPod(
    w,
    `${st.sts.name}-${i}`,
    { ...st.template, labels: { ...st.template.labels, 'apps.kubernetes.io/pod-index': String(i) } },
    timeUs,
    st.sts,
  );
  st.pods[i] = pod;
  const created = w.event({
    involved: st.sts,
    reason: 'SuccessfulCreate',
    message: `create Pod ${pod.name} in StatefulSet ${st.sts.name} successful`,
    component: 'statefulset-controller',
    timeUs: timeUs + w.rng.int(1, 5) * MS,
    cause,
  });
  return runPod(w, pod, st.template, created, timeUs, { node: w.rng.pick(st.placement.nodes), ...st.placement });
}
