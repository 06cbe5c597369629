/** An object an event is about, as far as the event names it (kind or name empty when the Event leaves them out). */
export interface EventObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly apiVersion?: string;
  /** The object's `resourceVersion` when the reporter recorded the event (the version it acted on). */
  readonly resourceVersion?: string;
  /** The part of the object the event is about (`spec.containers{app}`: a container). */
  readonly fieldPath?: string;
}

/** The Event annotation that makes an Event the root of what follows (Go kspan's convention; Flux v1 `Sync`). */
export const TOP_LEVEL_EVENT_ANNOTATION = 'topLevelSpan';

/** What an Event's involved object leaves out: its kind, its name, or both (an empty `involvedObject`). */
export type SubjectGap = 'kind' | 'name' | 'kind,name';

/** An Event whose involved object is incomplete, and how the core identified it (if it could). */
export interface IncompleteSubject {
  readonly missing: SubjectGap;
  /** The reference named a namespace of its own (not the Event's, which the core falls back to). */
  readonly ownNamespace: boolean;
  /** How the core identified the object (see subject-identity.ts); absent when it could not. */
  readonly identifiedBy?: 'uid' | 'named-child' | 'message' | 'reporter';
}

/** Both Event APIs in one shape. Times are microseconds since the epoch. */
export interface NormalizedEvent {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly api: 'core/v1' | 'events.k8s.io/v1';
  /** The involved object (`involvedObject` / `regarding`). */
  readonly regarding: EventObject;
  readonly related?: EventObject;
  readonly reason: string;
  readonly message: string;
  /** `Normal` or `Warning` (other values pass through). */
  readonly type: string;
  readonly action?: string;
  /** Reporting component / controller (`source.component` on old core/v1 events). */
  readonly component: string;
  readonly instance: string;
  /** Time of this observation: eventTime (or series.lastObservedTime), then lastTimestamp, then firstTimestamp. */
  readonly timeUs: number;
  /** Time the series began (firstTimestamp / eventTime); equals timeUs for a single occurrence. */
  readonly firstUs: number;
  /** True when the time has sub-second precision (a MicroTime), false when truncated to seconds. */
  readonly precise: boolean;
  /** Occurrence count: `count`, `series.count` or `deprecatedCount`; at least 1. */
  readonly count: number;
  readonly resourceVersion?: string;
  /** Set when the involved object lacks a kind or a name (the Event still becomes a span). */
  readonly incomplete?: IncompleteSubject;
  /** Annotated `topLevelSpan: "true"`: the root of the trace of what follows. */
  readonly topLevel?: true;
}

/** `Kind/namespace/name`: how the core names an object (names are unique per kind and namespace at a time). */
export function objectKey(o: { readonly kind: string; readonly namespace: string; readonly name: string }): string {
  // join makes a flat string; a template would make a rope, which a Map flattens into a second copy it keeps.
  return [o.kind, o.namespace, o.name].join('/');
}
