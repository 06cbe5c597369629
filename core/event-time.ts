import type { CoreV1Event, EventsV1Event, KubeEvent } from './kube.ts';
import { parseTimeUs } from './time.ts';

/** True when the event is served by events.k8s.io/v1 rather than core/v1. */
export function isEventsV1(e: KubeEvent): e is EventsV1Event {
  return e.apiVersion === 'events.k8s.io/v1' || (e.apiVersion === undefined && ('regarding' in e || 'note' in e));
}

/** The time fields of either Event API, by role. */
export interface EventTimeFields {
  /** `series.lastObservedTime`, else `eventTime` (MicroTime). */
  readonly observed: unknown;
  /** When the series began: `eventTime` / `deprecatedFirstTimestamp` / `firstTimestamp`. */
  readonly first: unknown;
  /** `lastTimestamp` / `deprecatedLastTimestamp`. */
  readonly last: unknown;
}

/** The time fields of an Event, by role, for either API. */
export function eventTimeFields(raw: KubeEvent, v1: boolean = isEventsV1(raw)): EventTimeFields {
  const observed = raw.series?.lastObservedTime ?? raw.eventTime;
  if (v1) {
    const e = raw as EventsV1Event;
    return { observed, first: e.eventTime ?? e.deprecatedFirstTimestamp, last: e.deprecatedLastTimestamp };
  }
  const e = raw as CoreV1Event;
  return { observed, first: e.firstTimestamp ?? e.eventTime, last: e.lastTimestamp };
}

/**
 * The timestamp precedence, the one rule for everyone: the observed time (`series.lastObservedTime` /
 * `eventTime`), then `lastTimestamp`, then `firstTimestamp`; the first present one that parses wins.
 * Calls `onMalformed` for each one present but not RFC 3339.
 */
export function precedenceTimeUs(fields: EventTimeFields, onMalformed?: (value: unknown) => void): number | undefined {
  // Each field in turn, without an array of them (this runs for most core/v1 Events).
  return (
    presentTimeUs(fields.observed, onMalformed) ??
    presentTimeUs(fields.last, onMalformed) ??
    presentTimeUs(fields.first, onMalformed)
  );
}

/** A time field's value when it is present and parses; `onMalformed` is told of one present that does not. */
function presentTimeUs(c: unknown, onMalformed: ((value: unknown) => void) | undefined): number | undefined {
  if (c === undefined || c === null || c === '') return undefined;
  const us = parseTimeUs(c);
  if (us === undefined) onMalformed?.(c);
  return us;
}

/** When an Event says it (last) happened, by the precedence rule, else its creation; undefined if neither. */
export function eventTimeUs(raw: KubeEvent): number | undefined {
  return precedenceTimeUs(eventTimeFields(raw)) ?? parseTimeUs(raw.metadata?.creationTimestamp);
}
