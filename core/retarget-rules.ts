import type { EventObject, NormalizedEvent } from './normalized-event.ts';

/**
 * Events a controller reports on itself that really concern a child it named in the message.
 * Message formats from the Kubernetes source:
 * - deployment-controller, pkg/controller/deployment/sync.go: "Scaled up replica set %s from %d to %d"
 *   (older releases: "Scaled up replica set %s to %d")
 * - replicaset/daemonset/job controllers through RealPodControl, pkg/controller/controller_utils.go:
 *   "Created pod: %v", "Deleted pod: %v"
 * - statefulset-controller, pkg/controller/statefulset/stateful_pod_control.go:
 *   "create Pod %s in StatefulSet %s successful", "delete Pod %s in StatefulSet %s successful"
 * - cronjob-controller, pkg/controller/cronjob/cronjob_controllerv2.go: "Created job %v", "Deleted job %v",
 *   "Saw completed job: %s, status: %v"
 */
export interface RetargetRule {
  readonly id: string;
  readonly actorKind: string;
  readonly reasons: readonly string[];
  readonly childKind: string;
  /** First capture group: the child's name. */
  readonly pattern: RegExp;
  /** The controller reports what it saw the child do (not what it did to it): the child's own event is the cause. */
  readonly observes?: boolean;
}

/** The retargeting table, checked in order. */
export const RETARGET_RULES: readonly RetargetRule[] = [
  {
    id: 'deployment-scales-replicaset',
    actorKind: 'Deployment',
    reasons: ['ScalingReplicaSet'],
    childKind: 'ReplicaSet',
    pattern: /^Scaled (?:up|down) replica set (\S+) (?:from \d+ )?to \d+/,
  },
  {
    id: 'replicaset-pod',
    actorKind: 'ReplicaSet',
    reasons: ['SuccessfulCreate', 'SuccessfulDelete'],
    childKind: 'Pod',
    pattern: /^(?:Created|Deleted) pod: (\S+)/,
  },
  {
    id: 'statefulset-pod',
    actorKind: 'StatefulSet',
    reasons: ['SuccessfulCreate', 'SuccessfulDelete'],
    childKind: 'Pod',
    pattern: /^(?:create|delete) Pod (\S+) in StatefulSet \S+ successful/,
  },
  {
    id: 'daemonset-pod',
    actorKind: 'DaemonSet',
    reasons: ['SuccessfulCreate', 'SuccessfulDelete'],
    childKind: 'Pod',
    pattern: /^(?:Created|Deleted) pod: (\S+)/,
  },
  {
    id: 'job-pod',
    actorKind: 'Job',
    reasons: ['SuccessfulCreate', 'SuccessfulDelete'],
    childKind: 'Pod',
    pattern: /^(?:Created|Deleted) pod: (\S+)/,
  },
  {
    id: 'cronjob-job',
    actorKind: 'CronJob',
    reasons: ['SuccessfulCreate', 'SuccessfulDelete'],
    childKind: 'Job',
    pattern: /^(?:Created|Deleted) job:? (\S+)/,
  },
  {
    id: 'cronjob-saw-job',
    actorKind: 'CronJob',
    reasons: ['SawCompletedJob'],
    childKind: 'Job',
    pattern: /^Saw completed job: ([^\s,]+)/,
    observes: true,
  },
];

const byActorKind = new Map<string, RetargetRule[]>();
for (const rule of RETARGET_RULES) {
  const list = byActorKind.get(rule.actorKind) ?? [];
  list.push(rule);
  byActorKind.set(rule.actorKind, list);
}

/** Who acted (the reporting object) and what it acted on. */
export interface Retargeted {
  readonly actor: EventObject;
  readonly object: EventObject;
  /** The retarget rule that applied, if any. */
  readonly rule?: string;
  /** The actor reports something it saw the object do (see RetargetRule.observes). */
  readonly observes?: boolean;
  /** For a scaling event: the direction and how many children it accounts for. */
  readonly scale?: { readonly direction: 'up' | 'down'; readonly from?: number; readonly to: number };
}

const SCALE = /^Scaled (up|down) replica set \S+ (?:from (\d+) )?to (\d+)/;

/** Applies the first matching retarget rule; otherwise actor and object are both the involved object. */
export function retarget(event: NormalizedEvent): Retargeted {
  const actor = event.regarding;
  const rules = byActorKind.get(actor.kind);
  if (rules !== undefined) {
    for (const rule of rules) {
      if (!rule.reasons.includes(event.reason)) continue;
      const m = rule.pattern.exec(event.message);
      const name = m?.[1];
      if (name === undefined) continue;
      const object: EventObject = { kind: rule.childKind, namespace: actor.namespace, name };
      const s = rule.childKind === 'ReplicaSet' ? SCALE.exec(event.message) : null;
      if (s !== null) {
        const from = s[2] === undefined ? undefined : Number(s[2]);
        const scale = { direction: s[1] as 'up' | 'down', to: Number(s[3]), ...(from !== undefined ? { from } : {}) };
        return { actor, object, rule: rule.id, scale };
      }
      return rule.observes === true
        ? { actor, object, rule: rule.id, observes: true }
        : { actor, object, rule: rule.id };
    }
  }
  // events.k8s.io/v1 events may name the child as `related` (e.g. a controller acting on a Pod).
  if (event.related !== undefined && event.related.kind !== actor.kind && event.related.kind !== 'Node') {
    return { actor, object: event.related, rule: 'related' };
  }
  return { actor, object: actor };
}
