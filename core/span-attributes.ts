import type { EventObject, NormalizedEvent } from './normalized-event.ts';
import type { RootRef } from './correlation-rule.ts';
import type { Retargeted } from './retarget-rules.ts';
import type { AttributeValue } from './span.ts';

/** OpenTelemetry Kubernetes semantic-convention attribute prefixes by kind (`k8s.pod.name`, `k8s.pod.uid`, …). */
const SEMCONV_PREFIX: Readonly<Record<string, string>> = {
  Pod: 'k8s.pod',
  ReplicaSet: 'k8s.replicaset',
  Deployment: 'k8s.deployment',
  StatefulSet: 'k8s.statefulset',
  DaemonSet: 'k8s.daemonset',
  Job: 'k8s.job',
  CronJob: 'k8s.cronjob',
  Node: 'k8s.node',
  Namespace: 'k8s.namespace',
  ReplicationController: 'k8s.replicationcontroller',
  HorizontalPodAutoscaler: 'k8s.hpa',
};

/** The attribute keys per kind, built once. */
const SEMCONV_KEYS = new Map(
  Object.entries(SEMCONV_PREFIX).map(([kind, prefix]) => [kind, { name: `${prefix}.name`, uid: `${prefix}.uid` }]),
);

function describe(attrs: Record<string, AttributeValue>, o: EventObject, uid: string | undefined): void {
  const keys = SEMCONV_KEYS.get(o.kind);
  if (keys === undefined) return;
  attrs[keys.name] = o.name;
  if (uid !== undefined) attrs[keys.uid] = uid;
}

/** `k8s.namespace.name`, the semantic-convention name/uid of the object's kind, and `k8s.object.*`. */
function describeObject(attrs: Record<string, AttributeValue>, o: EventObject, uid: string | undefined): void {
  if (o.namespace !== '') attrs['k8s.namespace.name'] = o.namespace;
  describe(attrs, o, uid);
  attrs['k8s.object.kind'] = o.kind;
  attrs['k8s.object.name'] = o.name;
  if (uid !== undefined) attrs['k8s.object.uid'] = uid;
}

/** Attributes of a synthesized root span: the root object at its generation, and the change that made it. */
export function rootAttributes(root: RootRef, segment: number): Record<string, AttributeValue> {
  const attrs: Record<string, AttributeValue> = {};
  describeObject(attrs, root, root.uid);
  attrs['k8s.object.generation'] = root.generation;
  attrs['k8s.field_manager'] = root.manager;
  attrs['k8s.operation'] = root.operation;
  attrs['kspan.root'] = true;
  attrs['kspan.rule'] = 'root-object';
  if (segment > 0) attrs['kspan.segment'] = segment;
  if (root.changes !== undefined && root.changes.length > 0)
    attrs['kspan.changes'] = root.changes.map((c) => c.text).join('; ');
  return attrs;
}

/** Attributes of an event's span: semantic conventions for the objects, the event's own fields, and kspan's. */
export function eventAttributes(
  event: NormalizedEvent,
  target: Retargeted,
  objectUid: string | undefined,
): Record<string, AttributeValue> {
  const attrs: Record<string, AttributeValue> = {};
  const { actor, object } = target;
  if (object !== actor) describe(attrs, actor, actor.uid);
  describeObject(attrs, object, objectUid);
  if (object !== actor) {
    attrs['k8s.actor.kind'] = actor.kind;
    attrs['k8s.actor.name'] = actor.name;
  }
  attrs['k8s.event.uid'] = event.uid;
  attrs['k8s.event.name'] = event.name;
  attrs['k8s.event.reason'] = event.reason;
  attrs['k8s.event.type'] = event.type;
  attrs['k8s.event.message'] = event.message;
  attrs['k8s.event.count'] = event.count;
  attrs['k8s.event.api'] = event.api;
  if (event.action !== undefined) attrs['k8s.event.action'] = event.action;
  if (event.instance !== '') attrs['k8s.event.reporting_instance'] = event.instance;
  // The kubelet reports its node name as the instance.
  if (event.component === 'kubelet' && event.instance !== '' && attrs['k8s.node.name'] === undefined)
    attrs['k8s.node.name'] = event.instance;
  if (target.rule !== undefined) attrs['kspan.retarget'] = target.rule;
  return attrs;
}
