import type { KubeEvent } from '../core/index.ts';
import type { Cause } from './story.ts';
import { refOf, type SimObject } from './sim-object.ts';
import { rfc3339, rfc3339Micro } from './timestamps.ts';
import type { EventView } from './k8s-profile.ts';

/** Which Event API a component writes through. */
export type EventApi = 'core/v1' | 'events.k8s.io/v1';

/** One Event object while the simulation runs; repetitions bump `count` and `lastUs`. */
export interface EventHandle {
  readonly uid: string;
  readonly name: string;
  readonly api: EventApi;
  readonly involved: SimObject;
  readonly fieldPath?: string;
  readonly related?: SimObject;
  readonly reason: string;
  message: string;
  readonly type: 'Normal' | 'Warning';
  readonly component: string;
  readonly host?: string;
  readonly instance?: string;
  readonly action?: string;
  readonly firstUs: number;
  lastUs: number;
  count: number;
  readonly cause: Cause;
  /** Handles sharing this key look alike to the log (same object, direction and second). */
  readonly ambiguityKey?: string;
}

/** The cause a child of this event inherits: this event as parent, in the same trace. */
export function causeOf(handle: EventHandle): Cause {
  return { parent: handle.uid, trace: handle.cause.trace };
}

/** What of a profile the rendering needs. */
export interface RenderOptions {
  readonly view: EventView;
  readonly reportingComponent: boolean;
}

const AS_WRITTEN: RenderOptions = { view: 'as-written', reportingComponent: true };

/**
 * Renders the Event as the API server serves it: through the API its component wrote it with
 * (`as-written`), or through one API for all, converted as the API server converts between the two.
 */
export function renderEvent(h: EventHandle, options: RenderOptions = AS_WRITTEN): KubeEvent {
  const view = options.view === 'as-written' ? h.api : options.view;
  const metadata = {
    name: h.name,
    namespace: h.involved.namespace ?? 'default',
    uid: h.uid,
    creationTimestamp: rfc3339(h.firstUs),
  };
  const related = h.related === undefined ? {} : { related: refOf(h.related) };
  if (view === 'core/v1') {
    if (h.api === 'core/v1') {
      // record.EventRecorder (client-go tools/record) fills whole-second timestamps and a count.
      return {
        apiVersion: 'v1',
        kind: 'Event',
        metadata,
        involvedObject: refOf(h.involved, h.fieldPath),
        ...related,
        reason: h.reason,
        message: h.message,
        source: { component: h.component, ...(h.host === undefined ? {} : { host: h.host }) },
        firstTimestamp: rfc3339(h.firstUs),
        lastTimestamp: rfc3339(h.lastUs),
        count: h.count,
        type: h.type,
        eventTime: null,
        ...(options.reportingComponent
          ? { reportingComponent: h.component, reportingInstance: h.host ?? '' }
          : { reportingComponent: '', reportingInstance: '' }),
      };
    }
    // An events.k8s.io Event read through core/v1: only eventTime (MicroTime) and a series; no first/last
    // timestamp, no count, an empty source (pkg/apis/core/v1 conversion of events.k8s.io fields).
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata,
      involvedObject: refOf(h.involved, h.fieldPath),
      ...related,
      reason: h.reason,
      message: h.message,
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: h.type,
      eventTime: rfc3339Micro(h.firstUs),
      ...(h.count > 1 ? { series: { count: h.count, lastObservedTime: rfc3339Micro(h.lastUs) } } : {}),
      ...(h.action === undefined ? {} : { action: h.action }),
      reportingComponent: h.component,
      reportingInstance: h.instance ?? h.component,
    };
  }
  if (h.api === 'core/v1') {
    // A core/v1 Event read through events.k8s.io/v1: its timestamps and count become deprecated* fields.
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata,
      eventTime: null,
      ...(options.reportingComponent ? { reportingController: h.component } : {}),
      ...(options.reportingComponent && h.host !== undefined ? { reportingInstance: h.host } : {}),
      reason: h.reason,
      regarding: refOf(h.involved, h.fieldPath),
      ...related,
      note: h.message,
      type: h.type,
      deprecatedSource: { component: h.component, ...(h.host === undefined ? {} : { host: h.host }) },
      deprecatedFirstTimestamp: rfc3339(h.firstUs),
      deprecatedLastTimestamp: rfc3339(h.lastUs),
      deprecatedCount: h.count,
    };
  }
  // events.EventRecorder (client-go tools/events): MicroTime eventTime, repetitions as `series`.
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata,
    eventTime: rfc3339Micro(h.firstUs),
    ...(h.count > 1 ? { series: { count: h.count, lastObservedTime: rfc3339Micro(h.lastUs) } } : {}),
    reportingController: h.component,
    reportingInstance: h.instance ?? h.component,
    ...(h.action === undefined ? {} : { action: h.action }),
    reason: h.reason,
    regarding: refOf(h.involved, h.fieldPath),
    ...related,
    note: h.message,
    type: h.type,
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  };
}
