import type { EventObject, NormalizedEvent } from './normalized-event.ts';

/**
 * Events a controller reports on itself that really concern a child it named in the message.
 * Message formats from the Kubernetes source:
 * - deployment-controller, pkg/controller/deployment/sync.go, three wordings over the releases:
 *   "Scaled up replica set %s to %d" (until 1.22), "… to %d from %d" (kubernetes#101142, 1.23–1.30),
 *   "… from %d to %d" (kubernetes#125118, 1.31 on)
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
  /**
   * The child's name: the named group `child`, else the first capture group. A scaling names `to` (and
   * `from`, `direction` = up|down when its wording has them) as groups too; built-in ReplicaSet scalings are
   * read by `scaleOf` in every Kubernetes era's wording.
   */
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
    pattern: /^Scaled (?:up|down) replica set (\S+) (?:from \d+ to \d+|to \d+(?: from \d+)?)\b/,
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

/**
 * Argo Rollouts (argoproj.io/v1alpha1 Rollout): it owns its ReplicaSets directly and reports on itself, in
 * rollout/sync.go and utils/conditions/conditions.go: "Scaled %s ReplicaSet %s (revision %d) from %d to %d"
 * (reason ScalingReplicaSet; before v1.0 the Deployment's "Scaled up replica set %s to %d") and
 * "Created ReplicaSet %s (revision %d)" (NewReplicaSetCreated). The same rules as a controller rules file are
 * in docs/controllers.md, the example every custom controller can follow.
 */
export const ARGO_ROLLOUTS_RULES: readonly RetargetRule[] = [
  {
    id: 'argo-rollout-scales-replicaset',
    actorKind: 'Rollout',
    reasons: ['ScalingReplicaSet'],
    childKind: 'ReplicaSet',
    pattern:
      /^Scaled (?<direction>up|down) ReplicaSet (?<child>\S+) \(revision \d+\) from (?<from>\d+) to (?<to>\d+)\b/,
  },
  {
    id: 'argo-rollout-scales-replicaset-legacy',
    actorKind: 'Rollout',
    reasons: ['ScalingReplicaSet'],
    childKind: 'ReplicaSet',
    pattern: /^Scaled (?<direction>up|down) replica set (?<child>\S+) to (?<to>\d+)\b/,
  },
  {
    id: 'argo-rollout-creates-replicaset',
    actorKind: 'Rollout',
    reasons: ['NewReplicaSetCreated'],
    childKind: 'ReplicaSet',
    pattern: /^Created ReplicaSet (?<child>\S+) \(revision \d+\)/,
  },
];

/** The built-in tables: Kubernetes' own controllers, then the custom controllers kspan knows out of the box. */
export const BUILT_IN_RETARGET_RULES: readonly RetargetRule[] = [...RETARGET_RULES, ...ARGO_ROLLOUTS_RULES];

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
  /** A kubelet `Killing` that stops the Pod's container for good (the Pod is going away), not a restart. */
  readonly stops?: true;
}

/** Direction, then `from N to M` (1.31+) or `to M` with an optional ` from N` (1.23–1.30). */
const SCALE = /^Scaled (up|down) replica set \S+ (?:from (\d+) to (\d+)|to (\d+)(?: from (\d+))?)\b/;

/**
 * The kubelet's `Killing` when it stops a container because the Pod is deleted or evicted, in every era
 * (pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer): "Stopping container %s" since
 * kubernetes#73892 (1.14); before, "Killing container with id docker://%s:Need to kill Pod" (any runtime
 * prefix, with or without a space after the colon). A kill for a restart ("… failed liveness probe, will be
 * restarted", "Container failed liveness probe.. Container will be killed and recreated.") is not a stop.
 */
const STOPS = /^(?:Stopping container \S|Killing container with id \S+?: ?Need to kill Pod)/;

/** The scaling an event reports, in any era's wording. */
export function scaleOf(message: string): Retargeted['scale'] {
  const s = SCALE.exec(ownMessage(message));
  if (s === null) return undefined;
  const to = Number(s[3] ?? s[4]);
  const from = s[2] ?? s[5];
  return from === undefined
    ? { direction: s[1] as 'up' | 'down', to }
    : { direction: s[1] as 'up' | 'down', from: Number(from), to };
}

/**
 * client-go's event correlator (tools/record/events_cache.go, EventAggregatorByReasonMessageFunc) rewrites
 * the 10th and later events of one source, object, type and reason with different messages within 10 minutes
 * as "(combined from similar events): <message>", in every release that records through tools/record (all
 * controllers and the kubelet up to today). A Deployment's rollout after a scale writes that many
 * `ScalingReplicaSet` events (seen live on 1.27: `(combined from similar events): Scaled down replica set
 * web-d8594cd77 to 0 from 1`). The message after the prefix is the controller's own.
 */
const AGGREGATED = /^\(combined from similar events\): /;

/** The controller's or kubelet's own message, without client-go's aggregation prefix. */
export function ownMessage(message: string): string {
  // Asked for every event a rule might match: the regular expression only when the prefix may be there.
  return message.startsWith('(combined') ? message.replace(AGGREGATED, '') : message;
}

/** True for a kubelet event that stops a Pod's container for good (see STOPS). */
export function stopsForGood(event: NormalizedEvent): boolean {
  return event.reason === 'Killing' && STOPS.test(ownMessage(event.message));
}

/** The scaling a custom rule's named groups report (`to`, optional `from` and `direction`). */
function scaleFromGroups(groups: Record<string, string | undefined>): Retargeted['scale'] {
  const toText = groups.to;
  if (toText === undefined) return undefined;
  const to = Number(toText);
  const from = groups.from === undefined ? undefined : Number(groups.from);
  const direction =
    groups.direction === 'up' || groups.direction === 'down'
      ? groups.direction
      : from !== undefined
        ? to >= from
          ? 'up'
          : 'down'
        : undefined;
  if (direction === undefined) return undefined;
  return from === undefined ? { direction, to } : { direction, from, to };
}

/**
 * Step 2 of the pipeline: who acted and on what. The built-in rules first, then the extra ones (a controller
 * rules file: `--controllers`), each checked in order for the reporting object's kind.
 */
export class Retargeter {
  private readonly byActorKind = new Map<string, RetargetRule[]>();
  /** Every rule, built-in first, in the order checked. */
  readonly rules: readonly RetargetRule[];

  constructor(extra: readonly RetargetRule[] = []) {
    this.rules = [...BUILT_IN_RETARGET_RULES, ...extra];
    for (const rule of this.rules) {
      const list = this.byActorKind.get(rule.actorKind) ?? [];
      list.push(rule);
      this.byActorKind.set(rule.actorKind, list);
    }
  }

  /** Applies the first matching retarget rule; otherwise actor and object are both the involved object. */
  retarget(event: NormalizedEvent): Retargeted {
    const actor = event.regarding;
    const rules = this.byActorKind.get(actor.kind);
    if (rules !== undefined) {
      for (const rule of rules) {
        if (!rule.reasons.includes(event.reason)) continue;
        const m = rule.pattern.exec(ownMessage(event.message));
        if (m === null) continue;
        const name = childNameOf(m);
        if (name === undefined) continue;
        const object: EventObject = { kind: rule.childKind, namespace: actor.namespace, name };
        const scale =
          m.groups !== undefined
            ? scaleFromGroups(m.groups)
            : rule.childKind === 'ReplicaSet'
              ? scaleOf(event.message)
              : undefined;
        if (scale !== undefined) return { actor, object, rule: rule.id, scale };
        return rule.observes === true
          ? { actor, object, rule: rule.id, observes: true }
          : { actor, object, rule: rule.id };
      }
    }
    // events.k8s.io/v1 events may name the child as `related` (e.g. a controller acting on a Pod).
    if (event.related !== undefined && event.related.kind !== actor.kind && event.related.kind !== 'Node') {
      return { actor, object: event.related, rule: 'related' };
    }
    return stopsForGood(event) ? { actor, object: actor, stops: true } : { actor, object: actor };
  }
}

/** The child a rule's match names: the `child` group, else the first. */
export function childNameOf(m: RegExpExecArray): string | undefined {
  return m.groups?.child ?? m[1];
}

const BUILT_IN = new Retargeter();

/** Retargets with the built-in rules only. */
export function retarget(event: NormalizedEvent): Retargeted {
  return BUILT_IN.retarget(event);
}
