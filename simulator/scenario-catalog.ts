import { deploymentCreate, imagePullBackOff, rollingUpdate, scaleDown, statefulSetRollout } from './scenarios-basic.ts';
import * as busy from './scenarios-busy.ts';
import * as more from './scenarios-more.ts';
import type { Story } from './story.ts';
import type { WorldPlace } from './world.ts';

/** A named scenario generator: same seed, same story. */
export interface ScenarioDefinition {
  readonly description: string;
  readonly build: (seed: number, at?: WorldPlace) => Story;
  /** Written to scenarios/<name>/ as a golden input log. */
  readonly golden?: boolean;
  /** A story group the accuracy report totals apart (busy clusters, long-lived failures). */
  readonly story?: 'busy' | 'long-lived';
}

/** All scenarios the simulator knows, by name. */
export const SCENARIOS: Readonly<Record<string, ScenarioDefinition>> = {
  'deployment-create': { description: 'Deployment created with 2 replicas', build: deploymentCreate, golden: true },
  'rolling-update': {
    description: 'image change on 4 replicas, maxSurge/maxUnavailable 25%',
    build: rollingUpdate,
    golden: true,
  },
  'scale-down': { description: 'Deployment scaled 4 → 2', build: scaleDown, golden: true },
  'image-pull-backoff': {
    description: 'a Pod that never pulls: ErrImagePull and growing BackOff',
    build: imagePullBackOff,
    golden: true,
  },
  'statefulset-rollout': { description: 'StatefulSet with 3 ordered Pods', build: statefulSetRollout, golden: true },
  'scale-up': { description: 'Deployment scaled 2 → 5', build: more.scaleUp },
  'double-scale': { description: 'two kubectl scale in one second (ambiguous children)', build: more.doubleScale },
  rollback: { description: 'rolling update, then kubectl rollout undo', build: more.rollback },
  'deployment-delete': {
    description: 'Deployment deleted; garbage collection (older message format)',
    build: more.deploymentDelete,
  },
  'replicaset-bare': { description: 'ReplicaSet without a Deployment', build: more.bareReplicaSet },
  'bare-pods': { description: 'two Pods from kubectl run', build: more.barePods },
  'statefulset-update': {
    description: 'StatefulSet image change, highest ordinal first',
    build: more.statefulSetUpdate,
  },
  'daemonset-rollout': { description: 'DaemonSet on 3 nodes, then updated node by node', build: more.daemonSetRollout },
  'job-parallel': { description: 'Job with 6 completions, parallelism 3', build: more.jobParallel },
  cronjob: { description: 'CronJob → 2 Jobs → Pods', build: more.cronJob },
  'crash-loop': { description: 'CrashLoopBackOff with growing back-off', build: more.crashLoop },
  'failed-scheduling': { description: 'FailedScheduling (series) then Scheduled', build: more.failedScheduling },
  'pod-evicted': { description: 'Pod evicted under memory pressure and replaced', build: more.podEvicted },
  'oom-killed': { description: 'container OOM-killed (Node event) and restarted', build: more.oomKilled },
  'node-not-ready': {
    description: 'Node NotReady, Pods evicted after 300 s and replaced',
    build: more.nodeNotReadyScenario,
  },
  'busy-namespace': {
    description: 'six Deployments of one namespace created, updated and scaled in the same seconds',
    build: busy.busyNamespace,
    story: 'busy',
  },
  'hpa-rollout': {
    description: 'HPA SuccessfulRescale during and after a rolling update, another Deployment alongside',
    build: busy.hpaRollout,
    story: 'busy',
  },
  'statefulset-reuse': {
    description: 'StatefulSet deleted and re-created under the same name (Pod names reused)',
    build: busy.statefulSetReuse,
    story: 'busy',
  },
  'node-failure-rollout': {
    description: 'a node fails during a rolling update; its Pods evicted and replaced',
    build: busy.nodeFailureRollout,
    story: 'busy',
  },
  'crash-loop-hours': {
    description: 'a Pod crash-looping for three hours',
    build: busy.crashLoopHours,
    story: 'long-lived',
  },
  'pending-40-minutes': {
    description: 'Pods Pending for 40 minutes (FailedScheduling series), then scheduled',
    build: busy.pendingFortyMinutes,
    story: 'long-lived',
  },
};

/** The scenario of that name; throws listing the known names otherwise. */
export function scenarioNamed(name: string): ScenarioDefinition {
  const found = SCENARIOS[name];
  if (found === undefined) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
  return found;
}
