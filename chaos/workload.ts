import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { formatTimeUs, type InputRecord, type KubeObject } from '../core/index.ts';
import type { FakeKubeServer } from '../driver/test-support/fake-kube-server.ts';

/**
 * What one unit of work is:
 * - `rollout`: a Deployment, its ReplicaSet and 3 Pods, with the 16 Events a scale-up writes
 *   (ScalingReplicaSet, 3 SuccessfulCreate, and Scheduled/Pulled/Created/Started per Pod);
 * - `pod`: a bare Pod and its Scheduled Event (a burst of new Pods);
 * - `claim`: a PersistentVolumeClaim (a kind kspan does not watch, so each costs a GET) and one Event.
 */
export type UnitKind = 'rollout' | 'pod' | 'claim';

/** Events one unit writes. */
export const EVENTS_PER_UNIT: Readonly<Record<UnitKind, number>> = { rollout: 16, pod: 1, claim: 1 };

const NS = 'chaos';
const PODS = 3;
const PATHS = {
  Deployment: '/apis/apps/v1/deployments',
  ReplicaSet: '/apis/apps/v1/replicasets',
  Pod: '/api/v1/pods',
  PersistentVolumeClaim: '/api/v1/persistentvolumeclaims',
  Event: '/apis/events.k8s.io/v1/events',
} as const;
const API_VERSION: Record<keyof typeof PATHS, string> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Pod: 'v1',
  PersistentVolumeClaim: 'v1',
  Event: 'events.k8s.io/v1',
};

type Kind = Exclude<keyof typeof PATHS, 'Event'>;
/** An Event's reason, note, reporting controller, uid and type. */
type EventArgs = [reason: string, note: string, controller: string, uid: string, type: string];

/**
 * Writes a deterministic workload into the fake API server, as a cluster would (objects first, then their Events,
 * stamped with the wall clock at the moment they are written), and keeps the same input log for an offline replay.
 */
export class WorkloadWriter {
  /** The input log of everything written: objects and events, in write order, stamped when written. */
  readonly records: InputRecord[] = [];
  private readonly server: FakeKubeServer;
  private readonly kind: UnitKind;
  private lastUs = 0;
  private units = 0;
  private events = 0;
  /** Events held back (see `holdBackEvery`), stamped when they happened. */
  private readonly heldBack: {
    readonly regarding: KubeObject;
    readonly args: EventArgs;
    readonly eventTime: string;
  }[] = [];
  /**
   * Every `n`th rollout's first Pod holds its `Started` Event back until `writeLate` (a kubelet that posts its Events
   * after a partition): kspan receives it later than its window, after its trace was emitted. 0: none.
   */
  holdBackEvery = 0;

  constructor(server: FakeKubeServer, kind: UnitKind) {
    this.server = server;
    this.kind = kind;
  }

  /** Events written so far. */
  get eventsWritten(): number {
    return this.events;
  }

  /** Writes one more unit now. */
  writeUnit(): void {
    const i = this.units++;
    if (this.kind === 'rollout') this.rollout(i);
    else if (this.kind === 'pod') this.pod(i);
    else this.claim(i);
  }

  /**
   * Writes units until `total` events, at `perSecond` (or as fast as possible when undefined, yielding to the
   * event loop between chunks so the harness's own servers keep answering); stops early when `signal` aborts.
   */
  async write(total: number, perSecond?: number, signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const perUnit = EVENTS_PER_UNIT[this.kind];
    while (this.events + perUnit <= total && signal?.aborted !== true) {
      const due = perSecond === undefined ? total : Math.min(total, ((performance.now() - started) / 1000) * perSecond);
      let budget = 500;
      while (this.events + perUnit <= due && budget > 0) {
        this.writeUnit();
        budget -= perUnit;
      }
      if (perSecond === undefined) await yieldToLoop();
      else await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Writes the Events held back, dated when they happened (their trace was emitted meanwhile); returns how many. */
  writeLate(): number {
    const n = this.heldBack.length;
    for (const { regarding, args, eventTime } of this.heldBack.splice(0)) this.putEvent(regarding, ...args, eventTime);
    return n;
  }

  private nowIso(): string {
    this.lastUs = Math.max(Date.now() * 1000, this.lastUs + 1);
    return formatTimeUs(this.lastUs);
  }

  private putObject(
    kind: Kind,
    name: string,
    extra: { owner?: KubeObject; spec?: Record<string, unknown> },
  ): KubeObject {
    const at = this.nowIso();
    const owner = extra.owner?.metadata;
    const object = {
      kind,
      apiVersion: API_VERSION[kind],
      metadata: {
        name,
        namespace: NS,
        uid: `uid-${kind.toLowerCase()}-${name}`,
        generation: 1,
        creationTimestamp: `${at.slice(0, 19)}Z`,
        ...(owner !== undefined
          ? {
              ownerReferences: [
                {
                  apiVersion: extra.owner?.apiVersion,
                  kind: extra.owner?.kind,
                  name: owner.name,
                  uid: owner.uid,
                  controller: true,
                },
              ],
            }
          : {}),
        managedFields: [
          {
            manager: kind === 'Deployment' || owner === undefined ? 'kubectl' : `${extra.owner?.kind}-controller`,
            operation: 'Update',
            apiVersion: API_VERSION[kind],
            time: `${at.slice(0, 19)}Z`,
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': {} },
          },
        ],
      },
      spec: extra.spec ?? {},
    };
    const stored = this.server.put(PATHS[kind], object) as KubeObject;
    const snapshot: KubeObject = { kind, apiVersion: API_VERSION[kind], ...stored };
    this.records.push({ type: 'object', at, object: snapshot });
    return snapshot;
  }

  private putEvent(
    regarding: KubeObject,
    reason: string,
    note: string,
    controller: string,
    uid: string,
    type = 'Normal',
    eventTime?: string,
  ): void {
    const at = this.nowIso();
    const meta = regarding.metadata!;
    const event = {
      kind: 'Event',
      apiVersion: API_VERSION.Event,
      metadata: { name: `${meta.name}.${uid}`, namespace: NS, uid, creationTimestamp: `${at.slice(0, 19)}Z` },
      eventTime: eventTime ?? at,
      regarding: {
        kind: regarding.kind,
        apiVersion: regarding.apiVersion,
        namespace: NS,
        name: meta.name,
        uid: meta.uid,
      },
      reason,
      note,
      type,
      action: reason,
      reportingController: controller,
      reportingInstance: `${controller}-chaos`,
    };
    const stored = this.server.put(PATHS.Event, event) as KubeObject;
    this.records.push({ type: 'event', at, watch: 'ADDED', event: { ...event, ...stored } });
    if (eventTime === undefined) this.events++;
  }

  private rollout(i: number): void {
    const name = `app-${i}`;
    const deployment = this.putObject('Deployment', name, { spec: { replicas: PODS } });
    const rs = this.putObject('ReplicaSet', `${name}-rs`, { owner: deployment, spec: { replicas: PODS } });
    const pods = Array.from({ length: PODS }, (_, p) => this.putObject('Pod', `${name}-rs-${p}`, { owner: rs }));
    this.putEvent(
      deployment,
      'ScalingReplicaSet',
      `Scaled up replica set ${name}-rs to ${PODS}`,
      'deployment-controller',
      `ev-${i}-scale`,
    );
    for (const [p, pod] of pods.entries())
      this.putEvent(
        rs,
        'SuccessfulCreate',
        `Created pod: ${pod.metadata!.name}`,
        'replicaset-controller',
        `ev-${i}-create-${p}`,
      );
    for (const [p, pod] of pods.entries()) {
      const podName = pod.metadata!.name!;
      this.putEvent(
        pod,
        'Scheduled',
        `Successfully assigned ${NS}/${podName} to node-${i % 7}`,
        'default-scheduler',
        `ev-${i}-sched-${p}`,
      );
      this.putEvent(
        pod,
        'Pulled',
        'Container image "nginx:1.27" already present on machine',
        'kubelet',
        `ev-${i}-pulled-${p}`,
      );
      this.putEvent(pod, 'Created', 'Created container: web', 'kubelet', `ev-${i}-created-${p}`);
      const started: EventArgs = ['Started', 'Started container web', 'kubelet', `ev-${i}-started-${p}`, 'Normal'];
      if (this.holdBackEvery > 0 && i % this.holdBackEvery === 0 && p === 0) {
        this.heldBack.push({ regarding: pod, args: started, eventTime: this.nowIso() });
        this.events++; // written later, counted now: the workload's total stays what it says
      } else this.putEvent(pod, ...started);
    }
  }

  private pod(i: number): void {
    const pod = this.putObject('Pod', `burst-${i}`, {});
    this.putEvent(
      pod,
      'Scheduled',
      `Successfully assigned ${NS}/burst-${i} to node-${i % 7}`,
      'default-scheduler',
      `ev-pod-${i}`,
    );
  }

  private claim(i: number): void {
    const claim = this.putObject('PersistentVolumeClaim', `data-${i}`, {});
    this.putEvent(
      claim,
      'ProvisioningSucceeded',
      `Successfully provisioned volume pvc-${i}`,
      'persistentvolume-controller',
      `ev-claim-${i}`,
    );
  }
}
