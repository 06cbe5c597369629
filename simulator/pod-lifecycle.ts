import { causeOf, type EventHandle } from './event-render.ts';
import { manage, type SimObject } from './sim-object.ts';
import type { Cause } from './story.ts';
import { nameSuffix } from './names.ts';
import type { World } from './world.ts';

/** How a Pod's containers should fare once scheduled. */
export type PodFate = 'runs' | 'image-pull-backoff' | 'crash-loop' | 'completes';

/** What a controller puts in a Pod it creates. */
export interface PodTemplate {
  readonly image: string;
  readonly container: string;
  readonly labels: Record<string, string>;
}

const MS = 1000;
export const SCHEDULER_INSTANCE = 'default-scheduler-kind-control-plane';

/** Creates a Pod object at `timeUs` (written by `manager`), owned by `owner` when given. */
export function newPod(
  w: World,
  name: string,
  template: PodTemplate,
  timeUs: number,
  owner?: SimObject,
  manager = 'kube-controller-manager',
): SimObject {
  const pod: SimObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    name,
    namespace: w.namespace,
    uid: w.uid(),
    creationUs: timeUs,
    labels: { ...template.labels },
    annotations: {},
    managedFields: [],
    spec: { containers: [{ name: template.container, image: template.image }] },
    ...(owner === undefined ? {} : { owner }),
  };
  manage(pod, timeUs, {
    manager,
    operation: 'Update',
    fieldsV1: {
      'f:metadata': { 'f:labels': {}, ...(owner === undefined ? {} : { 'f:ownerReferences': {} }) },
      'f:spec': {
        'f:containers': { [`k:{"name":"${template.container}"}`]: { '.': {}, 'f:image': {}, 'f:name': {} } },
      },
    },
  });
  w.write(pod, timeUs);
  return pod;
}

/** The scheduler binds the Pod (events.k8s.io/v1 `Scheduled`); returns the binding time. */
export function schedule(w: World, pod: SimObject, node: string, cause: Cause, timeUs: number): number {
  const t = timeUs + w.rng.int(3000, 40_000);
  pod.nodeName = node;
  w.event({
    api: w.profile.schedulerApi,
    involved: pod,
    reason: 'Scheduled',
    message: w.profile.scheduled(w.namespace, pod.name, node),
    component: 'default-scheduler',
    instance: SCHEDULER_INSTANCE,
    action: 'Binding',
    timeUs: t,
    cause,
  });
  return t;
}

/** A kubelet event about the Pod's container (core/v1, whole-second timestamps). */
export function kubeletEvent(
  w: World,
  pod: SimObject,
  reason: string,
  message: string,
  timeUs: number,
  cause: Cause,
  type: 'Normal' | 'Warning' = 'Normal',
): EventHandle {
  const container = (pod.spec['containers'] as { name: string }[] | undefined)?.[0]?.name ?? 'app';
  return w.event({
    involved: pod,
    fieldPath: `spec.containers{${container}}`,
    reason,
    message,
    type,
    component: 'kubelet',
    ...(pod.nodeName === undefined ? {} : { host: pod.nodeName }),
    timeUs,
    cause,
  });
}

/** The kubelet events of one container start. */
export interface ContainerStart {
  readonly startedUs: number;
  readonly pulled: EventHandle;
  readonly created: EventHandle;
  readonly started: EventHandle;
}

/** Kubelet pulls (or finds) the image and starts the container. */
export function startContainer(
  w: World,
  pod: SimObject,
  template: PodTemplate,
  cause: Cause,
  timeUs: number,
  imagePresent: boolean,
): ContainerStart {
  let t = timeUs + w.rng.int(150, 700) * MS;
  let pulled: EventHandle;
  if (imagePresent) {
    pulled = kubeletEvent(w, pod, 'Pulled', `Container image "${template.image}" already present on machine`, t, cause);
  } else {
    kubeletEvent(w, pod, 'Pulling', w.profile.pulling(template.image), t, cause);
    const pullMs = w.rng.int(800, 6000);
    t += pullMs * MS;
    const size = w.rng.int(20_000_000, 90_000_000);
    pulled = kubeletEvent(w, pod, 'Pulled', w.profile.pulled(template.image, pullMs, size), t, cause);
  }
  t += w.rng.int(20, 120) * MS;
  const created = kubeletEvent(w, pod, 'Created', w.profile.created(template.container), t, cause);
  t += w.rng.int(40, 250) * MS;
  const started = kubeletEvent(w, pod, 'Started', w.profile.started(template.container), t, cause);
  return { startedUs: t, pulled, created, started };
}

/** Options of a Pod's life after its creation. */
export interface RunPodOptions {
  readonly node: string;
  readonly fate?: PodFate;
  readonly imagePresent?: boolean;
  /** How long failure loops run, in milliseconds. */
  readonly failForMs?: number;
  /** The scheduler finds no node for this long first (`FailedScheduling`), in milliseconds. */
  readonly unschedulableForMs?: number;
  /** Longest wait between scheduling attempts, in seconds (10; an unschedulable Pod waits up to 300). */
  readonly retryCapS?: number;
}

/** Scheduling and start-up of a created Pod; returns when it became Ready (undefined: never). */
export function runPod(
  w: World,
  pod: SimObject,
  template: PodTemplate,
  creation: EventHandle | Cause,
  createdUs: number,
  options: RunPodOptions,
): number | undefined {
  const cause = 'uid' in creation ? causeOf(creation) : creation;
  const pending =
    options.unschedulableForMs === undefined
      ? createdUs
      : failScheduling(w, pod, cause, createdUs, options.unschedulableForMs, options.retryCapS ?? 10);
  const bound = schedule(w, pod, options.node, cause, pending);
  return afterBinding(w, pod, template, cause, bound, options);
}

/** The kubelet's part of a Pod's life, from binding on. */
export function afterBinding(
  w: World,
  pod: SimObject,
  template: PodTemplate,
  cause: Cause,
  bound: number,
  options: RunPodOptions,
): number | undefined {
  const fate = options.fate ?? 'runs';
  if (w.profile.mountEvents) mountVolumes(w, pod, cause, bound);
  if (fate === 'image-pull-backoff') {
    imagePullBackOff(w, pod, template, cause, bound, options.failForMs ?? 120_000);
    return undefined;
  }
  const start = startContainer(w, pod, template, cause, bound, options.imagePresent ?? false);
  if (fate === 'crash-loop') {
    crashLoop(w, pod, template, cause, start, options.failForMs ?? 120_000);
    return undefined;
  }
  return start.startedUs + w.rng.int(0, 1500) * MS;
}

// Kubelets of 1.8–1.10 report each volume set up (pkg/kubelet/volumemanager, reason SuccessfulMountVolume).
function mountVolumes(w: World, pod: SimObject, cause: Cause, bound: number): void {
  w.event({
    involved: pod,
    reason: 'SuccessfulMountVolume',
    message: `MountVolume.SetUp succeeded for volume "default-token-${nameSuffix(w.rng)}"`,
    component: 'kubelet',
    ...(pod.nodeName === undefined ? {} : { host: pod.nodeName }),
    timeUs: bound + w.rng.int(20, 140) * MS,
    cause,
  });
}

/** The kubelet stops the Pod's container (`Killing`) and the Pod goes away; returns the deletion time. */
export function stopPod(w: World, pod: SimObject, cause: Cause, timeUs: number): number {
  const container = (pod.spec['containers'] as { name: string }[] | undefined)?.[0]?.name ?? 'app';
  const t = timeUs + w.rng.int(5, 60) * MS;
  pod.deletionUs = timeUs;
  kubeletEvent(w, pod, 'Killing', w.profile.stopping(container, pod.uid), t, cause);
  const gone = t + w.rng.int(300, 2500) * MS;
  w.write(pod, gone, true);
  return gone;
}

// Kubelet image back-off: 10s doubling to 300s (pkg/kubelet/images/image_manager.go, backOff).
function imagePullBackOff(
  w: World,
  pod: SimObject,
  template: PodTemplate,
  cause: Cause,
  bound: number,
  forMs: number,
): void {
  const end = bound + forMs * MS;
  const ref = `docker.io/library/${template.image}`;
  let t = bound + w.rng.int(150, 700) * MS;
  let pulling: EventHandle | undefined;
  let failed: EventHandle | undefined;
  let errPull: EventHandle | undefined;
  let backOff: EventHandle | undefined;
  let errBackOff: EventHandle | undefined;
  let delayS = 10;
  while (t < end) {
    pulling = again(w, pulling, t, () => kubeletEvent(w, pod, 'Pulling', w.profile.pulling(template.image), t, cause));
    t += w.rng.int(400, 1500) * MS;
    const msg = `Failed to pull image "${template.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
    failed = again(w, failed, t, () => kubeletEvent(w, pod, 'Failed', msg, t, cause, 'Warning'));
    errPull = again(w, errPull, t, () => kubeletEvent(w, pod, 'Failed', 'Error: ErrImagePull', t, cause, 'Warning'));
    // While backing off, every pod sync reports the back-off again.
    const retryAt = t + delayS * 1_000_000;
    let sync = t + w.rng.int(500, 1500) * MS;
    while (sync < retryAt && sync < end) {
      backOff = again(w, backOff, sync, () =>
        kubeletEvent(w, pod, 'BackOff', `Back-off pulling image "${template.image}"`, sync, cause),
      );
      errBackOff = again(w, errBackOff, sync, () =>
        kubeletEvent(w, pod, 'Failed', 'Error: ImagePullBackOff', sync, cause, 'Warning'),
      );
      sync += w.rng.int(10_000, 16_000) * MS;
    }
    t = retryAt;
    delayS = Math.min(delayS * 2, 300);
  }
}

// Container restart back-off: 10s doubling to 5m (pkg/kubelet/kuberuntime, CrashLoopBackOff).
function crashLoop(
  w: World,
  pod: SimObject,
  template: PodTemplate,
  cause: Cause,
  start: ContainerStart,
  forMs: number,
): void {
  const started = start.startedUs;
  const end = started + forMs * MS;
  const { pulled, created } = start;
  const startedEv = start.started;
  let backOff: EventHandle | undefined;
  let t = started + w.rng.int(500, 3000) * MS;
  let delayS = 10;
  while (t < end) {
    const b = t;
    backOff = again(w, backOff, b, () =>
      kubeletEvent(
        w,
        pod,
        'BackOff',
        `Back-off restarting failed container ${template.container} in pod ${pod.name}_${pod.namespace ?? 'default'}(${pod.uid})`,
        b,
        cause,
        'Warning',
      ),
    );
    t += delayS * 1_000_000;
    if (t >= end) break;
    w.repeat(pulled, t);
    w.repeat(created, t + 30 * MS);
    w.repeat(startedEv, t + 120 * MS);
    t += w.rng.int(500, 3000) * MS;
    delayS = Math.min(delayS * 2, 300);
  }
}

// The scheduler retries with backoff (1 s doubling to 10 s) and reports through events.k8s.io/v1, so
// repetitions are a `series` (pkg/scheduler/schedule_one.go handleSchedulingFailure).
function failScheduling(
  w: World,
  pod: SimObject,
  cause: Cause,
  createdUs: number,
  forMs: number,
  capS: number,
): number {
  const end = createdUs + forMs * MS;
  let t = createdUs + w.rng.int(3000, 40_000);
  let failed: EventHandle | undefined;
  let delayS = 1;
  while (t < end) {
    const at = t;
    failed = again(w, failed, at, () =>
      w.event({
        api: w.profile.schedulerApi,
        involved: pod,
        reason: 'FailedScheduling',
        message:
          '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
        type: 'Warning',
        component: 'default-scheduler',
        instance: SCHEDULER_INSTANCE,
        action: 'Scheduling',
        timeUs: at,
        cause,
      }),
    );
    t += delayS * 1_000_000 + w.rng.int(0, 999_999);
    delayS = Math.min(delayS * 2, capS);
  }
  return end;
}

/** Repeats the event if it happened before, else creates it. */
export function again(
  w: World,
  handle: EventHandle | undefined,
  timeUs: number,
  create: () => EventHandle,
): EventHandle {
  if (handle === undefined) return create();
  w.repeat(handle, timeUs);
  return handle;
}
