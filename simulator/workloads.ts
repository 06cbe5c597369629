import { causeOf, type EventHandle } from './event-render.ts';
import { newPod, runPod, stopPod, type PodTemplate } from './pod-lifecycle.ts';
import type { PodPlacement } from './replicaset.ts';
import { manage, type SimObject } from './sim-object.ts';
import type { Cause } from './story.ts';
import type { World } from './world.ts';

const MS = 1000;
const S = 1_000_000;

/** A root-less workload object written by a user (generation 1). */
export function userObject(
  w: World,
  kind: string,
  name: string,
  timeUs: number,
  spec: Record<string, unknown>,
  owner?: SimObject,
): SimObject {
  const obj: SimObject = {
    apiVersion: kind === 'Job' ? 'batch/v1' : kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
    kind,
    name,
    namespace: w.namespace,
    uid: w.uid(),
    generation: 1,
    creationUs: timeUs,
    labels: { app: name },
    annotations: {},
    managedFields: [],
    spec,
    ...(owner === undefined ? {} : { owner }),
  };
  manage(obj, timeUs, {
    manager: owner === undefined ? 'kubectl-client-side-apply' : 'kube-controller-manager',
    operation: 'Update',
    fieldsV1: {
      'f:metadata': { 'f:labels': {} },
      'f:spec': Object.fromEntries(Object.keys(spec).map((k) => [`f:${k}`, {}])),
    },
  });
  w.write(obj, timeUs);
  return obj;
}

/** One daemon Pod per node, created by the daemonset-controller ("Created pod: %v"). */
export function createDaemonSet(
  w: World,
  timeUs: number,
  name: string,
  nodes: readonly string[],
  image: string,
): { ds: SimObject; pods: Map<string, SimObject>; doneUs: number } {
  const ds = userObject(w, 'DaemonSet', name, timeUs, {
    template: { spec: { containers: [{ name: 'app', image }] } },
    updateStrategy: { type: 'RollingUpdate' },
  });
  const cause = w.root(ds);
  const pods = new Map<string, SimObject>();
  let t = timeUs + w.rng.int(5, 40) * MS;
  let done = t;
  for (const node of nodes) {
    t += w.rng.int(2, 12) * MS;
    const ready = daemonPod(w, ds, image, node, cause, t, pods);
    done = Math.max(done, ready ?? t);
  }
  return { ds, pods, doneUs: done };
}

/** A new image rolled out node by node (maxUnavailable 1): delete the old Pod, create the new one, wait Ready. */
export function updateDaemonSet(
  w: World,
  ds: SimObject,
  pods: Map<string, SimObject>,
  image: string,
  timeUs: number,
): number {
  ds.generation = (ds.generation ?? 0) + 1;
  ds.spec = { ...ds.spec, template: { spec: { containers: [{ name: 'app', image }] } } };
  manage(ds, timeUs, { manager: 'kubectl-set', operation: 'Update', fieldsV1: { 'f:spec': { 'f:template': {} } } });
  w.write(ds, timeUs);
  const cause = w.root(ds);
  let t = timeUs + w.rng.int(5, 40) * MS;
  for (const [node, old] of [...pods]) {
    const deleted = w.event({
      involved: ds,
      reason: 'SuccessfulDelete',
      message: `Deleted pod: ${old.name}`,
      component: 'daemonset-controller',
      timeUs: t,
      cause,
    });
    t = stopPod(w, old, causeOf(deleted), t) + w.rng.int(5, 40) * MS;
    t = (daemonPod(w, ds, image, node, cause, t, pods) ?? t) + w.rng.int(5, 40) * MS;
  }
  return t;
}

function daemonPod(
  w: World,
  ds: SimObject,
  image: string,
  node: string,
  cause: Cause,
  t: number,
  pods: Map<string, SimObject>,
): number | undefined {
  const template: PodTemplate = { image, container: 'app', labels: { app: ds.name } };
  const pod = newPod(w, w.generateName(ds.name), template, t, ds);
  pods.set(node, pod);
  const created = w.event({
    involved: ds,
    reason: 'SuccessfulCreate',
    message: `Created pod: ${pod.name}`,
    component: 'daemonset-controller',
    timeUs: t + w.rng.int(1, 5) * MS,
    cause,
  });
  return runPod(w, pod, template, created, t, { node, imagePresent: w.rng.chance(0.3) });
}

/** Options of a Job. */
export interface JobOptions {
  readonly name: string;
  readonly completions: number;
  readonly parallelism: number;
  readonly image: string;
  readonly placement: PodPlacement;
  /** The owning CronJob and the event that created the Job; absent for a bare Job. */
  readonly owner?: SimObject;
  readonly createdBy?: EventHandle;
}

/**
 * A Job runs `completions` Pods, `parallelism` at a time (job-controller "Created pod: %v"), then reports
 * `Completed` ("Job completed"). Returns the Job and when it completed.
 */
export function runJob(
  w: World,
  timeUs: number,
  o: JobOptions,
): { job: SimObject; doneUs: number; completed: EventHandle } {
  const job = userObject(
    w,
    'Job',
    o.name,
    timeUs,
    {
      completions: o.completions,
      parallelism: o.parallelism,
      template: { spec: { containers: [{ name: 'app', image: o.image }] } },
    },
    o.owner,
  );
  const cause = o.createdBy === undefined ? w.root(job) : causeOf(o.createdBy);
  const template: PodTemplate = {
    image: o.image,
    container: 'app',
    labels: { 'batch.kubernetes.io/job-name': o.name },
  };
  const slots: number[] = Array.from({ length: o.parallelism }, () => timeUs + w.rng.int(5, 40) * MS);
  for (let i = 0; i < o.completions; i++) {
    slots.sort((a, b) => a - b);
    const t = (slots[0] ?? timeUs) + w.rng.int(2, 12) * MS;
    const pod = newPod(w, w.generateName(o.name), template, t, job);
    const created = w.event({
      involved: job,
      reason: 'SuccessfulCreate',
      message: `Created pod: ${pod.name}`,
      component: 'job-controller',
      timeUs: t + w.rng.int(1, 5) * MS,
      cause,
    });
    const started = runPod(w, pod, template, created, t, {
      node: w.rng.pick(o.placement.nodes),
      imagePresent: i >= o.parallelism,
    });
    slots[0] = (started ?? t) + w.rng.int(2, 20) * S;
  }
  const doneUs = Math.max(...slots) + w.rng.int(5, 40) * MS;
  const completed = w.event({
    involved: job,
    reason: 'Completed',
    message: 'Job completed',
    component: 'job-controller',
    timeUs: doneUs,
    cause,
  });
  return { job, doneUs, completed };
}

/** A CronJob creating `runs` Jobs a minute apart ("Created job %v", then "Saw completed job: %v, status: Complete"). */
export function runCronJob(
  w: World,
  timeUs: number,
  name: string,
  runs: number,
  image: string,
  placement: PodPlacement,
): number {
  const cj = userObject(w, 'CronJob', name, timeUs, {
    schedule: '*/1 * * * *',
    jobTemplate: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } },
  });
  const cause = w.root(cj);
  let end = timeUs;
  for (let i = 0; i < runs; i++) {
    const at = (Math.floor(timeUs / (60 * S)) + i + 1) * 60 * S + w.rng.int(5, 200) * MS;
    const jobName = `${name}-${Math.floor(at / (60 * S))}`;
    const created = w.event({
      involved: cj,
      reason: 'SuccessfulCreate',
      message: `Created job ${jobName}`,
      component: 'cronjob-controller',
      timeUs: at + w.rng.int(1, 5) * MS,
      cause,
    });
    // The cronjob-controller notices the Job's completion: that completion is its cause.
    const { doneUs, completed: jobDone } = runJob(w, at, {
      name: jobName,
      completions: 1,
      parallelism: 1,
      image,
      placement,
      owner: cj,
      createdBy: created,
    });
    const saw = doneUs + w.rng.int(10, 900) * MS;
    w.event({
      involved: cj,
      reason: 'SawCompletedJob',
      message: `Saw completed job: ${jobName}, status: Complete`,
      component: 'cronjob-controller',
      timeUs: saw,
      cause: causeOf(jobDone),
    });
    end = Math.max(end, saw);
  }
  return end;
}
