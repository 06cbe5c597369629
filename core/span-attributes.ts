import type { EventObject, NormalizedEvent } from './normalized-event.ts';
import type { Retargeted } from './retarget-rules.ts';
import type { AttributeValue } from './span.ts';

/** OpenTelemetry Kubernetes semantic-convention attribute prefixes by kind (`k8s.pod.name`, `k8s.pod.uid`, …). */
export const SEMCONV_PREFIX: Readonly<Record<string, string>> = {
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

function describe(attrs: Record<string, AttributeValue>, o: EventObject, uid: string | undefined): void {
  const prefix = SEMCONV_PREFIX[o.kind];
  if (prefix === undefined) return;
  attrs[`${prefix}.name`] = o.name;
  if (uid !== undefined) attrs[`${prefix}.uid`] = uid;
}

/** Attributes of an event's span: semantic conventions for the objects, the event's own fields, and kspan's. */
export function eventAttributes(event: NormalizedEvent, target: Retargeted, objectUid: string | undefined): Record<string, AttributeValue> {
  const attrs: Record<string, AttributeValue> = {};
  const { actor, object } = target;
  if (object.namespace !== '') attrs['k8s.namespace.name'] = object.namespace;
  describe(attrs, actor, actor.uid);
  if (object !== actor) describe(attrs, object, objectUid);
  attrs['k8s.object.kind'] = object.kind;
  attrs['k8s.object.name'] = object.name;
  if (objectUid !== undefined) attrs['k8s.object.uid'] = objectUid;
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
  if (event.component === 'kubelet' && event.instance !== '' && attrs['k8s.node.name'] === undefined) attrs['k8s.node.name'] = event.instance;
  if (target.rule !== undefined) attrs['kspan.retarget'] = target.rule;
  return attrs;
}
