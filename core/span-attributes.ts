import type { EventObject, NormalizedEvent } from './normalized-event.ts';
import type { RootRef } from './correlation-rule.ts';
import type { Retargeted } from './retarget-rules.ts';
import type { AttributeValue } from './span.ts';
import type { SpecChange } from './spec-diff.ts';

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
  if (o.name !== '') attrs[keys.name] = o.name;
  if (uid !== undefined) attrs[keys.uid] = uid;
}

/** `k8s.namespace.name`, the semantic-convention name/uid of the object's kind, and `kspan.object.*`. */
function describeObject(attrs: Record<string, AttributeValue>, o: EventObject, uid: string | undefined): void {
  if (o.namespace !== '') attrs['k8s.namespace.name'] = o.namespace;
  describe(attrs, o, uid);
  // An incomplete subject says only what it names (see kspan.subject.missing).
  if (o.kind !== '') attrs['kspan.object.kind'] = o.kind;
  if (o.name !== '') attrs['kspan.object.name'] = o.name;
  if (uid !== undefined) attrs['kspan.object.uid'] = uid;
}

/** Attributes of a synthesized root span: the root object at its generation, and the change that made it. */
export function rootAttributes(
  root: RootRef,
  segment: number,
  changes: readonly SpecChange[] | undefined = root.changes,
): Record<string, AttributeValue> {
  const attrs: Record<string, AttributeValue> = {};
  describeObject(attrs, root, root.uid);
  attrs['kspan.object.generation'] = root.generation;
  attrs['kspan.field_manager'] = root.manager;
  attrs['kspan.operation'] = root.operation;
  attrs['kspan.root'] = true;
  attrs['kspan.rule'] = 'root-object';
  if (segment > 0) attrs['kspan.segment'] = segment;
  if (changes !== undefined && changes.length > 0) attrs['kspan.changes'] = changes.map((c) => c.text).join('; ');
  return attrs;
}

/** The field paths that name a container: `spec.containers{app}`, `spec.initContainers{init}`, `spec.ephemeralContainers{debug}`. */
const CONTAINER_LISTS = ['spec.containers', 'spec.initContainers', 'spec.ephemeralContainers'];

/**
 * The container an event is about (`k8s.container.name`), from its object's field path: the name between the
 * braces after a container list (what `/^spec\.(?:containers|initContainers|ephemeralContainers)\{([^}]+)\}/`
 * captures). Read by hand: every kubelet event about a container has one, and a regular expression per span was a
 * match array more each.
 */
export function containerOf(o: EventObject): string | undefined {
  const path = o.fieldPath;
  if (o.kind !== 'Pod' || path === undefined) return undefined;
  const open = path.indexOf('{');
  for (const list of CONTAINER_LISTS) {
    if (list.length !== open || !path.startsWith(list)) continue;
    const close = path.indexOf('}', open + 1);
    return close > open + 1 ? path.slice(open + 1, close) : undefined;
  }
  return undefined;
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
    if (actor.kind !== '') attrs['kspan.actor.kind'] = actor.kind;
    if (actor.name !== '') attrs['kspan.actor.name'] = actor.name;
  }
  attrs['kspan.event.uid'] = event.uid;
  attrs['kspan.event.name'] = event.name;
  attrs['kspan.event.reason'] = event.reason;
  attrs['kspan.event.type'] = event.type;
  attrs['kspan.event.message'] = event.message;
  attrs['kspan.event.count'] = event.count;
  attrs['kspan.event.api'] = event.api;
  if (event.action !== undefined) attrs['kspan.event.action'] = event.action;
  const container = containerOf(object);
  if (container !== undefined) attrs['k8s.container.name'] = container;
  else if (object.fieldPath !== undefined) attrs['kspan.object.field_path'] = object.fieldPath;
  if (event.instance !== '') attrs['kspan.event.reporting_instance'] = event.instance;
  // The kubelet reports its node name as the instance.
  if (event.component === 'kubelet' && event.instance !== '' && attrs['k8s.node.name'] === undefined)
    attrs['k8s.node.name'] = event.instance;
  if (target.rule !== undefined) attrs['kspan.retarget'] = target.rule;
  if (event.incomplete !== undefined) {
    attrs['kspan.subject.missing'] = event.incomplete.missing;
    if (event.incomplete.identifiedBy !== undefined)
      attrs['kspan.subject.identified_by'] = event.incomplete.identifiedBy;
  }
  return attrs;
}
