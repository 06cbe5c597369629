import type { CoreV1Event, EventsV1Event, KubeEvent, ObjectReference } from '../core/kube.ts';
import { parseTimeUs } from '../core/time.ts';

/** The involved object of either Event API (`regarding` or `involvedObject`). */
export function involvedObjectOf(event: KubeEvent): ObjectReference | undefined {
  return (event as EventsV1Event).regarding ?? (event as CoreV1Event).involvedObject;
}

/** The occurrence count of either Event API (series count, then count, then 1). */
export function occurrenceOf(event: KubeEvent): number {
  return event.series?.count ?? (event as CoreV1Event).count ?? (event as EventsV1Event).deprecatedCount ?? 1;
}

/** The latest time an event says it happened, in ms since the epoch (undefined if it carries none). */
export function lastSeenMsOf(event: KubeEvent): number | undefined {
  const core = event as CoreV1Event;
  const v1 = event as EventsV1Event;
  const candidates = [
    event.series?.lastObservedTime,
    core.lastTimestamp,
    v1.deprecatedLastTimestamp,
    event.eventTime,
    core.firstTimestamp,
    v1.deprecatedFirstTimestamp,
    event.metadata?.creationTimestamp,
  ];
  let best: number | undefined;
  for (const c of candidates) {
    const us = parseTimeUs(c);
    if (us !== undefined && (best === undefined || us > best)) best = us;
  }
  return best === undefined ? undefined : Math.floor(best / 1000);
}

/** The key of one occurrence of an event: the same after a re-list, different for a new occurrence. */
export function occurrenceKeyOf(event: KubeEvent): string {
  const meta = event.metadata;
  const id = meta?.uid ?? `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
  return `${id}#${occurrenceOf(event)}`;
}
