import type { NormalizedEvent } from './normalized-event.ts';
import type { Retargeted } from './retarget-rules.ts';

/** "Successfully assigned <ns>/<pod> to <node>" (pkg/scheduler/schedule_one.go). */
const ASSIGNED = /\bto (\S+)$/;

/**
 * A fact the engine books after placing an event: the node the scheduler assigned a Pod to, so that the
 * `node-cause` rule finds the Pod's node before (or without) a Pod snapshot naming `spec.nodeName`.
 */
export const NODE_ASSIGNMENT = {
  id: 'scheduler-node-assignment',
  description:
    'a Pod\'s `Scheduled` event ("Successfully assigned ns/pod to node") records the Pod\'s node, for the `node-cause` rule',
  /** The node a `Scheduled` event assigns its Pod to, if it is one. */
  nodeOf(event: NormalizedEvent, target: Retargeted): string | undefined {
    if (event.reason !== 'Scheduled' || target.object.kind !== 'Pod') return undefined;
    return ASSIGNED.exec(event.message)?.[1];
  },
} as const;
