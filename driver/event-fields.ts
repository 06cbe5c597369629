import {
  eventTimeUs,
  type CoreV1Event,
  type EventsV1Event,
  type KubeEvent,
  type ObjectReference,
} from '../core/index.ts';

/** The involved object of either Event API (`regarding` or `involvedObject`). */
export function involvedObjectOf(event: KubeEvent): ObjectReference | undefined {
  return (event as EventsV1Event).regarding ?? (event as CoreV1Event).involvedObject;
}

/** The occurrence count of either Event API (series count, then count, then 1). */
export function occurrenceOf(event: KubeEvent): number {
  return event.series?.count ?? (event as CoreV1Event).count ?? (event as EventsV1Event).deprecatedCount ?? 1;
}

/** When an event says it (last) happened, by the core's timestamp precedence, in ms since the epoch (undefined if it carries none). */
export function lastSeenMsOf(event: KubeEvent): number | undefined {
  const us = eventTimeUs(event);
  return us === undefined ? undefined : Math.floor(us / 1000);
}

/** The key of one occurrence of an event: the same after a re-list, different for a new occurrence. */
export function occurrenceKeyOf(event: KubeEvent): string {
  const meta = event.metadata;
  const id = meta?.uid ?? `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
  return `${id}#${occurrenceOf(event)}`;
}
