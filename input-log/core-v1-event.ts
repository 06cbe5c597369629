import type { CoreV1Event, EventsV1Event, KubeEvent } from '../core/index.ts';

/**
 * An Event as the core/v1 API serves it, whichever API it was read through: an events.k8s.io/v1 body is
 * converted field by field as the API server converts between the two (`regarding` → `involvedObject`,
 * `note` → `message`, `reportingController` → `reportingComponent`, the `deprecated*` fields back to
 * `source`, `firstTimestamp`, `lastTimestamp` and `count`), so a core/v1 reader such as the Go kspan's
 * playback sees what it would have seen live.
 */
export function toCoreV1Event(event: KubeEvent): CoreV1Event {
  if (event.apiVersion !== 'events.k8s.io/v1') return event;
  const {
    apiVersion: _apiVersion,
    regarding,
    note,
    reportingController,
    deprecatedSource,
    deprecatedFirstTimestamp,
    deprecatedLastTimestamp,
    deprecatedCount,
    ...rest
  } = event as EventsV1Event;
  return {
    ...rest,
    apiVersion: 'v1',
    kind: 'Event',
    ...(regarding !== undefined ? { involvedObject: regarding } : {}),
    ...(note !== undefined ? { message: note } : {}),
    source: deprecatedSource ?? {},
    firstTimestamp: deprecatedFirstTimestamp ?? null,
    lastTimestamp: deprecatedLastTimestamp ?? null,
    ...(deprecatedCount !== undefined ? { count: deprecatedCount } : {}),
    reportingComponent: reportingController ?? '',
    reportingInstance: (event as EventsV1Event).reportingInstance ?? '',
  };
}
