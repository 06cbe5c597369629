import type { CorrelationRule } from '../correlation-rule.ts';

/** Pod events the node lifecycle and taint-eviction controllers record because the Pod's node failed. */
const NODE_REASONS = new Set(['NodeNotReady', 'TaintManagerEviction', 'NodeControllerEviction']);

/** A Pod event of the node lifecycle controllers → the newest open span about the Pod's node. */
export const nodeCause: CorrelationRule = {
  id: 'node-cause',
  description:
    "a Pod event of the node lifecycle / taint-eviction controllers (`NodeNotReady`, `TaintManagerEviction`, `NodeControllerEviction`) → the newest open span about the Pod's node (from `spec.nodeName`, or the scheduler's assignment)",
  find({ event, target, recent, objects, objectKey }) {
    if (target.object.kind !== 'Pod' || !NODE_REASONS.has(event.reason)) return undefined;
    const node = objects.nodeOf(objectKey);
    if (node === undefined) return undefined;
    const list = recent.aboutObject(`Node//${node}`);
    const span = list[list.length - 1];
    return span === undefined ? undefined : { rule: 'node-cause', span };
  },
};
