/** Builders of small Kubernetes objects for the driver's tests. */

let seq = 0;

/** An object with metadata; `owner` is [kind, name, uid]. */
export function obj(
  kind: string,
  namespace: string | undefined,
  name: string,
  owner?: [string, string, string],
): Record<string, unknown> & { metadata: { name: string; uid: string; namespace?: string; [k: string]: unknown } } {
  return {
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      uid: `uid-${kind.toLowerCase()}-${name}`,
      generation: 1,
      ...(owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: owner[0], name: owner[1], uid: owner[2], controller: true },
            ],
          }
        : {}),
    },
    spec: { big: 'x'.repeat(100) },
  };
}

/** An events.k8s.io/v1 Event about `regarding` at `time`. */
export function v1Event(
  regarding: { kind: string; namespace?: string; name: string },
  reason: string,
  time: string,
  options: { uid?: string; type?: string; count?: number } = {},
): Record<string, unknown> & { metadata: { name: string; namespace: string; [k: string]: unknown } } {
  const uid = options.uid ?? `ev-${++seq}`;
  return {
    metadata: {
      name: `${regarding.name}.${uid}`,
      namespace: regarding.namespace ?? 'default',
      uid,
      creationTimestamp: time,
    },
    regarding: {
      kind: regarding.kind,
      namespace: regarding.namespace,
      name: regarding.name,
      uid: `uid-${regarding.kind.toLowerCase()}-${regarding.name}`,
    },
    reason,
    note: `${reason} ${regarding.name}`,
    type: options.type ?? 'Normal',
    reportingController: 'test-controller',
    reportingInstance: 'test',
    eventTime: time,
    ...(options.count ? { series: { count: options.count, lastObservedTime: time } } : {}),
    action: reason,
  };
}

/** A core/v1 Event about `involved` at `time`. */
export function coreEvent(
  involved: { kind: string; namespace?: string; name: string },
  reason: string,
  time: string,
): Record<string, unknown> & { metadata: { name: string; namespace: string; [k: string]: unknown } } {
  const uid = `core-ev-${++seq}`;
  return {
    metadata: { name: `${involved.name}.${uid}`, namespace: involved.namespace ?? 'default', uid },
    involvedObject: { kind: involved.kind, namespace: involved.namespace, name: involved.name },
    reason,
    message: reason,
    type: 'Normal',
    source: { component: 'test' },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
}
