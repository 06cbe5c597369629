/** The subset of Kubernetes object shapes the core reads. Structural, so any client's objects fit. */

/** A reference to an object, as in an Event's `involvedObject` / `regarding` / `related`. */
export interface ObjectReference {
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly apiVersion?: string;
  readonly resourceVersion?: string;
  readonly fieldPath?: string;
}

/** metadata.ownerReferences[] */
export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

/** metadata.managedFields[] */
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly apiVersion?: string;
  readonly time?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: Record<string, unknown>;
  readonly subresource?: string;
}

/** metadata of any object. */
export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly managedFields?: readonly ManagedFieldsEntry[];
}

/** Any Kubernetes object: the core reads only kind, apiVersion and metadata. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly [field: string]: unknown;
}

/** core/v1 EventSeries and events.k8s.io/v1 EventSeries. */
export interface EventSeries {
  readonly count?: number;
  readonly lastObservedTime?: string;
}

/** core/v1 Event as served by the API server. */
export interface CoreV1Event extends KubeObject {
  readonly involvedObject?: ObjectReference;
  readonly related?: ObjectReference;
  readonly reason?: string;
  readonly message?: string;
  readonly type?: string;
  readonly source?: { readonly component?: string; readonly host?: string };
  readonly reportingComponent?: string;
  readonly reportingInstance?: string;
  readonly firstTimestamp?: string | null;
  readonly lastTimestamp?: string | null;
  readonly eventTime?: string | null;
  readonly count?: number;
  readonly series?: EventSeries;
  readonly action?: string;
}

/** events.k8s.io/v1 Event as served by the API server. */
export interface EventsV1Event extends KubeObject {
  readonly regarding?: ObjectReference;
  readonly related?: ObjectReference;
  readonly reason?: string;
  readonly note?: string;
  readonly type?: string;
  readonly reportingController?: string;
  readonly reportingInstance?: string;
  readonly eventTime?: string | null;
  readonly series?: EventSeries;
  readonly action?: string;
  readonly deprecatedSource?: { readonly component?: string; readonly host?: string };
  readonly deprecatedFirstTimestamp?: string | null;
  readonly deprecatedLastTimestamp?: string | null;
  readonly deprecatedCount?: number;
}

/** Either Event API. */
export type KubeEvent = CoreV1Event | EventsV1Event;
