import type { KubeObject } from '../core/index.ts';
import { rfc3339 } from './timestamps.ts';

/** One managedFields entry while the simulation runs (mutable time and fields). */
export interface SimManagedFields {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: number;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
}

/** A Kubernetes object as the simulation mutates it; `toKube` renders what the API server serves. */
export interface SimObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly uid: string;
  /** Absent for kinds the API server does not version this way (Node). */
  generation?: number;
  readonly creationUs: number;
  deletionUs?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  readonly owner?: SimObject;
  managedFields: SimManagedFields[];
  spec: Record<string, unknown>;
  /** Node the Pod runs on (Pods only). */
  nodeName?: string;
}

/** Records a write by a field manager, merging with its earlier entry as the API server does. */
export function manage(
  obj: SimObject,
  timeUs: number,
  entry: Omit<SimManagedFields, 'time' | 'apiVersion'> & { apiVersion?: string },
): void {
  const same = obj.managedFields.find(
    (m) => m.manager === entry.manager && m.operation === entry.operation && m.subresource === entry.subresource,
  );
  if (same !== undefined) {
    same.time = timeUs;
    same.fieldsV1 = { ...same.fieldsV1, ...entry.fieldsV1 };
    return;
  }
  obj.managedFields.push({ apiVersion: obj.apiVersion, ...entry, time: timeUs });
}

/** Renders the object as the API server would serve it now (a fresh copy). */
export function toKube(obj: SimObject): KubeObject {
  const owner = obj.owner;
  const metadata = {
    name: obj.name,
    ...(obj.namespace === undefined ? {} : { namespace: obj.namespace }),
    uid: obj.uid,
    ...(obj.generation === undefined ? {} : { generation: obj.generation }),
    creationTimestamp: rfc3339(obj.creationUs),
    ...(obj.deletionUs === undefined ? {} : { deletionTimestamp: rfc3339(obj.deletionUs) }),
    ...(Object.keys(obj.labels).length === 0 ? {} : { labels: { ...obj.labels } }),
    ...(Object.keys(obj.annotations).length === 0 ? {} : { annotations: { ...obj.annotations } }),
    ...(owner === undefined
      ? {}
      : {
          ownerReferences: [
            {
              apiVersion: owner.apiVersion,
              kind: owner.kind,
              name: owner.name,
              uid: owner.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        }),
    managedFields: obj.managedFields.map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      time: rfc3339(m.time),
      fieldsType: 'FieldsV1',
      fieldsV1: structuredClone(m.fieldsV1),
      ...(m.subresource === undefined ? {} : { subresource: m.subresource }),
    })),
  };
  const spec = obj.nodeName === undefined ? obj.spec : { ...obj.spec, nodeName: obj.nodeName };
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata, spec: structuredClone(spec) };
}

/** The reference an Event carries to this object. */
export function refOf(obj: SimObject, fieldPath?: string): Record<string, string> {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(obj.namespace === undefined ? {} : { namespace: obj.namespace }),
    name: obj.name,
    uid: obj.uid,
    ...(fieldPath === undefined ? {} : { fieldPath }),
  };
}
