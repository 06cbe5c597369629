import type { NormalizedEvent } from './normalized-event.ts';
import { RETARGET_RULES, type Retargeted } from './retarget-rules.ts';

/**
 * Most events carry whole-second timestamps, so within one second the core orders them by what usually
 * causes what: a controller higher in the ownership chain acts first, and a Pod's own events follow the
 * kubelet's sequence. Sub-second times (MicroTime) order events of equal rank.
 */
const KIND_DEPTH: Readonly<Record<string, number>> = {
  Node: 0,
  Deployment: 0,
  StatefulSet: 0,
  DaemonSet: 0,
  CronJob: 0,
  ReplicaSet: 1,
  Job: 1,
  Pod: 2,
};

const REASON_ORDER: Readonly<Record<string, number>> = {
  ScalingReplicaSet: 10,
  // A StatefulSet deletes a Pod before it creates its namesake again.
  SuccessfulDelete: 20,
  SuccessfulCreate: 21,
  FailedScheduling: 30,
  Scheduled: 31,
  Preempted: 32,
  Pulling: 40,
  Pulled: 41,
  Failed: 42,
  ErrImageNeverPull: 42,
  InspectFailed: 42,
  BackOff: 43,
  Created: 50,
  Started: 51,
  Unhealthy: 52,
  ProbeWarning: 52,
  Killing: 60,
  Preempting: 60,
  Evicted: 61,
  OOMKilling: 61,
  Completed: 70,
  NodeNotReady: 5,
  TaintManagerEviction: 62,
};

/**
 * The depth of a kind the table does not know (a custom controller's, an Argo Rollout): one above the child
 * its event names (a Rollout scaling a ReplicaSet acts before the ReplicaSet does), else a leaf's.
 */
function depthAbove(target: Retargeted): number {
  if (target.object === target.actor) return 2;
  return Math.max(0, (KIND_DEPTH[target.object.kind] ?? 2) - 1);
}

/** An Event without kind ranks as the kind that reports its reason (the first retarget rule's), else as a Pod's. */
function depthOfReason(reason: string): number {
  const rule = RETARGET_RULES.find((r) => r.reasons.includes(reason));
  return rule === undefined ? 2 : (KIND_DEPTH[rule.actorKind] ?? 2);
}

/** The rank of an event within its second: lower happens first. */
export function causalRank(event: NormalizedEvent, target: Retargeted): number {
  // A controller reporting what it saw a child do comes after the child's own events of that second.
  // An Event that starts what follows (`topLevelSpan`) comes before everything of its second.
  if (event.topLevel === true) return -1;
  if (target.observes === true) return (KIND_DEPTH[target.object.kind] ?? 2) * 100 + 99;
  const depth =
    KIND_DEPTH[target.actor.kind] ?? (target.actor.kind === '' ? depthOfReason(event.reason) : depthAbove(target));
  const reason = REASON_ORDER[event.reason] ?? 90;
  return depth * 100 + reason;
}

/** Within one rank: scale-ups in ascending and scale-downs in descending replica order, so steps replay in sequence. */
export function scaleHint(target: Retargeted): number {
  const s = target.scale;
  if (s === undefined) return 0;
  return s.direction === 'up' ? (s.from ?? s.to) : 1_000_000 - (s.from ?? s.to);
}
