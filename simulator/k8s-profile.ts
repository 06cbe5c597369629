import type { EventApi } from './event-render.ts';
import { goDuration } from './timestamps.ts';

/**
 * How Events read back from the API server: every component's Event as it wrote it (`as-written`: the
 * scheduler through events.k8s.io, the rest through core/v1), or all of them through one API, as a watch of
 * that API (or a `kubectl cluster-info dump`, which is core/v1) serves them.
 */
export type EventView = 'as-written' | 'core/v1' | 'events.k8s.io/v1';

/**
 * A Kubernetes era as its Events look: wordings, which API each component writes through, field quirks.
 * Each entry cites the change in the Kubernetes source that starts the era.
 */
export interface K8sProfile {
  readonly id: string;
  /** Minor versions this profile stands for, e.g. `1.8–1.10`. */
  readonly versions: string;
  readonly view: EventView;
  /** API the scheduler writes through (events.k8s.io from 1.16, kubernetes#78447). */
  readonly schedulerApi: EventApi;
  /** core/v1 Events written by client-go `tools/record` carry `reportingComponent` (not before 1.19). */
  readonly reportingComponent: boolean;
  /** Objects carry `metadata.managedFields` (server-side apply's field tracking, on by default from 1.18). */
  readonly managedFields: boolean;
  /** The kubelet reports `SuccessfulMountVolume` for every volume (1.8–1.10 dumps). */
  readonly mountEvents: boolean;
  /**
   * client-go `tools/events` writes a series at its second occurrence and then only every 30 min
   * (`refreshTime`), and once more when it ends (`finishTime`, 6 min without an occurrence).
   */
  readonly seriesRefresh: boolean;
  /**
   * Event references carry the object's `resourceVersion` as the reporter saw it (as every release does;
   * off only in `default`, whose bundled inputs predate it).
   */
  readonly refResourceVersion: boolean;
  /** deployment-controller, pkg/controller/deployment/sync.go scaleReplicaSet. */
  scaled(direction: 'up' | 'down', replicaSet: string, from: number, to: number): string;
  /** kube-scheduler `Scheduled`. */
  scheduled(namespace: string, pod: string, node: string): string;
  /** kubelet image manager (pkg/kubelet/images/image_manager.go). */
  pulling(image: string): string;
  pulled(image: string, pullMs: number, sizeBytes: number): string;
  /** kubelet kuberuntime_container.go startContainer. */
  created(container: string): string;
  started(container: string): string;
  /** kubelet kuberuntime_container.go killContainer, when the Pod is deleted. */
  stopping(container: string, containerId: string): string;
}

// Scaling wordings (pkg/controller/deployment/sync.go):
// "Scaled %s replica set %s to %d" until kubernetes#101142 (1.23) added "… to %d from %d";
// kubernetes#125118 (1.31) reordered it to "… from %d to %d".
const scaledTo = (d: string, rs: string, _from: number, to: number): string => `Scaled ${d} replica set ${rs} to ${to}`;
const scaledToFrom = (d: string, rs: string, from: number, to: number): string =>
  `Scaled ${d} replica set ${rs} to ${to} from ${from}`;
const scaledFromTo = (d: string, rs: string, from: number, to: number): string =>
  `Scaled ${d} replica set ${rs} from ${from} to ${to}`;

// Scheduler: "Successfully assigned %v to %v" until kubernetes#61089 (1.11) added the namespace.
const assignedName = (_ns: string, pod: string, node: string): string => `Successfully assigned ${pod} to ${node}`;
const assignedNsName = (ns: string, pod: string, node: string): string =>
  `Successfully assigned ${ns}/${pod} to ${node}`;

// kubelet before kubernetes#73892 (1.14): lower-case "pulling image", no container name in Created/Started,
// and "Killing container with id docker://<name>:Need to kill Pod" for a deleted Pod.
const oldKubelet = {
  pulling: (image: string): string => `pulling image "${image}"`,
  pulled: (image: string): string => `Successfully pulled image "${image}"`,
  created: (): string => 'Created container',
  started: (): string => 'Started container',
  stopping: (container: string): string => `Killing container with id docker://${container}:Need to kill Pod`,
};

// kubelet from kubernetes#73892 (1.14): "Pulling image", "Created container %s", "Started container %s",
// "Stopping container %s"; the pull duration joined "Successfully pulled image" later (1.2x).
const kubelet114 = {
  pulling: (image: string): string => `Pulling image "${image}"`,
  pulled: (image: string): string => `Successfully pulled image "${image}"`,
  created: (c: string): string => `Created container ${c}`,
  started: (c: string): string => `Started container ${c}`,
  stopping: (c: string): string => `Stopping container ${c}`,
};

const pulledTimed = (image: string, ms: number, size: number): string =>
  `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${size} bytes.`;

/** 1.31–1.32: events.k8s.io/v1 everywhere, `from N to M` scalings (kubernetes#125118). */
const PROFILE_1_31: K8sProfile = {
  id: '1.31',
  versions: '1.31–1.32',
  view: 'events.k8s.io/v1',
  schedulerApi: 'events.k8s.io/v1',
  reportingComponent: true,
  managedFields: true,
  mountEvents: false,
  seriesRefresh: true,
  refResourceVersion: true,
  scaled: scaledFromTo,
  scheduled: assignedNsName,
  ...kubelet114,
  pulled: pulledTimed,
};

/** The eras, oldest first; `default` is today's mix (each component's own API), the bundled scenarios' profile. */
export const PROFILES: Readonly<Record<string, K8sProfile>> = {
  '1.8': {
    id: '1.8',
    versions: '1.8–1.10',
    view: 'core/v1',
    schedulerApi: 'core/v1',
    reportingComponent: false,
    managedFields: false,
    mountEvents: true,
    seriesRefresh: false,
    refResourceVersion: true,
    scaled: scaledTo,
    scheduled: assignedName,
    ...oldKubelet,
  },
  '1.11': {
    id: '1.11',
    versions: '1.11–1.13',
    view: 'core/v1',
    schedulerApi: 'core/v1',
    reportingComponent: false,
    managedFields: false,
    mountEvents: false,
    seriesRefresh: false,
    refResourceVersion: true,
    scaled: scaledTo,
    scheduled: assignedNsName,
    ...oldKubelet,
  },
  '1.14': {
    id: '1.14',
    versions: '1.14–1.15',
    view: 'core/v1',
    schedulerApi: 'core/v1',
    reportingComponent: false,
    managedFields: false,
    mountEvents: false,
    seriesRefresh: false,
    refResourceVersion: true,
    scaled: scaledTo,
    scheduled: assignedNsName,
    ...kubelet114,
  },
  '1.16': {
    id: '1.16',
    versions: '1.16–1.22',
    view: 'core/v1',
    schedulerApi: 'events.k8s.io/v1',
    reportingComponent: false,
    managedFields: true,
    mountEvents: false,
    seriesRefresh: true,
    refResourceVersion: true,
    scaled: scaledTo,
    scheduled: assignedNsName,
    ...kubelet114,
  },
  '1.23': {
    id: '1.23',
    versions: '1.23–1.30',
    view: 'core/v1',
    schedulerApi: 'events.k8s.io/v1',
    reportingComponent: true,
    managedFields: true,
    mountEvents: false,
    seriesRefresh: true,
    refResourceVersion: true,
    scaled: scaledToFrom,
    scheduled: assignedNsName,
    ...kubelet114,
    pulled: pulledTimed,
  },
  '1.31': PROFILE_1_31,
  // kubernetes#130471 (1.33): "Created container: %v"; kubernetes#134043 (1.35): "Container created/started".
  '1.35': {
    ...PROFILE_1_31,
    id: '1.35',
    versions: '1.35–',
    created: () => 'Container created',
    started: () => 'Container started',
  },
  default: {
    id: 'default',
    versions: '1.33–1.34, each component through its own API',
    view: 'as-written',
    schedulerApi: 'events.k8s.io/v1',
    reportingComponent: true,
    managedFields: true,
    mountEvents: false,
    seriesRefresh: false,
    refResourceVersion: false,
    scaled: scaledFromTo,
    scheduled: assignedNsName,
    ...kubelet114,
    pulled: pulledTimed,
    created: (c) => `Created container: ${c}`,
  },
};

/** The profile for an id or a minor version (`1.8`, `1.24`, `v1.31.2`); throws listing the known ones otherwise. */
export function profileNamed(name: string): K8sProfile {
  const exact = PROFILES[name];
  if (exact !== undefined) return exact;
  const m = /^v?1\.(\d+)(?:\.\d+)?$/.exec(name);
  if (m !== null) {
    const minor = Number(m[1]);
    let pick: K8sProfile | undefined;
    for (const p of Object.values(PROFILES)) {
      const start = /^1\.(\d+)$/.exec(p.id);
      if (start !== null && Number(start[1]) <= minor) pick = p;
    }
    if (pick !== undefined) return pick;
  }
  throw new Error(
    `unknown Kubernetes version or profile "${name}"; known: ${Object.keys(PROFILES).join(', ')} (or any 1.N ≥ 1.8)`,
  );
}

/** Every era profile (all but `default`), oldest first. */
export function eraProfiles(): K8sProfile[] {
  return Object.values(PROFILES).filter((p) => p.id !== 'default');
}
