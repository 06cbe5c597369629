import type { CoreV1Event, KubeObject } from '../kube.ts';
import type { EventRecord, InputRecord, ObjectRecord } from '../input-record.ts';

/** Small builders for unit tests of single rules (scenarios live in scenarios/ as data files). */
const BASE = Date.UTC(2024, 4, 5, 16, 22, 0);

/** RFC 3339 time `seconds` after the test epoch. */
export function t(seconds: number): string {
  return new Date(BASE + seconds * 1000).toISOString();
}

/** An object snapshot record. */
export function obj(
  at: number,
  kind: string,
  name: string,
  opts: {
    uid?: string;
    owner?: [string, string];
    generation?: number;
    manager?: string;
    annotations?: Record<string, string>;
    changedAt?: number;
    spec?: unknown;
  } = {},
): ObjectRecord {
  const object: KubeObject = {
    apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1',
    kind,
    metadata: {
      name,
      namespace: 'default',
      uid: opts.uid ?? `uid-${name}`,
      generation: opts.generation ?? 1,
      ...(opts.annotations !== undefined ? { annotations: opts.annotations } : {}),
      ...(opts.owner !== undefined
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: opts.owner[0],
                name: opts.owner[1],
                uid: `uid-${opts.owner[1]}`,
                controller: true,
              },
            ],
          }
        : {}),
      managedFields: [
        {
          manager: opts.manager ?? 'kubectl',
          operation: 'Update',
          time: t(opts.changedAt ?? at).replace('.000Z', 'Z'),
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': {} },
        },
      ],
    },
    ...(opts.spec !== undefined ? { spec: opts.spec } : {}),
  };
  return { type: 'object', at: t(at), object };
}

/** A core/v1 event record (second-truncated timestamps). */
export function ev(
  at: number,
  uid: string,
  kind: string,
  name: string,
  reason: string,
  message: string,
  opts: { time?: number; count?: number; type?: string; component?: string; first?: number } = {},
): EventRecord {
  const time = t(Math.floor(opts.time ?? at)).replace('.000Z', 'Z');
  const event: CoreV1Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${uid}`, namespace: 'default', uid },
    involvedObject: { kind, name, namespace: 'default', uid: `uid-${name}` },
    reason,
    message,
    type: opts.type ?? 'Normal',
    source: { component: opts.component ?? 'test-controller' },
    firstTimestamp: opts.first !== undefined ? t(opts.first).replace('.000Z', 'Z') : time,
    lastTimestamp: time,
    count: opts.count ?? 1,
  };
  return { type: 'event', at: t(at), event };
}

/** A tick record. */
export function tick(at: number): InputRecord {
  return { type: 'tick', at: t(at) };
}
