import type { KubeEvent, KubeObject } from './kube.ts';

/** How a watch delivered an event (absent when listed or unknown). */
export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A Kubernetes Event as received; `at` is the receive time (RFC 3339, any sub-second precision). */
export interface EventRecord {
  readonly type: 'event';
  readonly at: string;
  readonly watch?: WatchType;
  readonly event: KubeEvent;
}

/** A snapshot of an object an event involves (or owns one); `deleted` marks its deletion. */
export interface ObjectRecord {
  readonly type: 'object';
  readonly at: string;
  readonly deleted?: boolean;
  readonly object: KubeObject;
}

/** Time passes: pending work older than the window may now be resolved or flushed. */
export interface TickRecord {
  readonly type: 'tick';
  readonly at: string;
}

/** One record of the input log. On disk: NDJSON, one record a line. */
export type InputRecord = EventRecord | ObjectRecord | TickRecord;
