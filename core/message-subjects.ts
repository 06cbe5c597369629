/**
 * Messages that name the object they are about, for an Event whose involvedObject lacks it. Formats from the
 * Kubernetes source:
 * - default-scheduler, pkg/scheduler/schedule_one.go: "Successfully assigned %v/%v to %v" (before 1.13 without
 *   the namespace: "Successfully assigned %v to %v")
 * - node-lifecycle-controller and kubelet, pkg/controller/nodelifecycle (RecordNodeStatusChange) and
 *   pkg/kubelet/nodestatus: "Node %s status is now: %s"
 * - node-lifecycle-controller, RecordNodeEvent: "Node %s event: Registered Node %s in Controller" (and Removing)
 * - taint-eviction-controller, pkg/controller/tainteviction: "Marking for deletion Pod %s", "Cancelling deletion of Pod %s"
 */
export interface MessageSubject {
  readonly id: string;
  readonly reasons: readonly string[];
  readonly kind: string;
  /** Named groups: `name`, and `namespace` when the message gives it. */
  readonly pattern: RegExp;
}

/** The table, checked in order. */
export const MESSAGE_SUBJECTS: readonly MessageSubject[] = [
  {
    id: 'scheduler-assigned',
    reasons: ['Scheduled'],
    kind: 'Pod',
    pattern: /^Successfully assigned (?:(?<namespace>[^/\s]+)\/)?(?<name>[^/\s]+) to \S+$/,
  },
  {
    id: 'node-status',
    reasons: ['NodeReady', 'NodeNotReady', 'NodeSchedulable', 'NodeNotSchedulable'],
    kind: 'Node',
    pattern: /^Node (?<name>\S+) status is now: \S+$/,
  },
  {
    id: 'node-registered',
    reasons: ['RegisteredNode', 'RemovingNode'],
    kind: 'Node',
    pattern: /^Node (?<name>\S+) event: (?:Registered|Removing) Node \S+ in Controller$/,
  },
  {
    id: 'taint-eviction',
    reasons: ['TaintManagerEviction'],
    kind: 'Pod',
    pattern: /^(?:Marking for deletion|Cancelling deletion of) Pod (?:(?<namespace>[^/\s]+)\/)?(?<name>[^/\s]+)$/,
  },
];

/** The object an Event's message names (kind and name, and the namespace when the message gives one). */
export function subjectInMessage(
  reason: string,
  message: string,
  kind: string,
): { kind: string; name: string; namespace?: string } | undefined {
  for (const rule of MESSAGE_SUBJECTS) {
    if ((kind !== '' && rule.kind !== kind) || !rule.reasons.includes(reason)) continue;
    const groups = rule.pattern.exec(message)?.groups;
    const name = groups?.['name'];
    if (name === undefined) continue;
    const namespace = groups?.['namespace'];
    return namespace === undefined ? { kind: rule.kind, name } : { kind: rule.kind, name, namespace };
  }
  return undefined;
}
