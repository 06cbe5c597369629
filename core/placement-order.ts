import { causalRank, scaleHint } from './causal-order.ts';
import type { NormalizedEvent } from './normalized-event.ts';
import type { Retargeted } from './retarget-rules.ts';
import { revisionOf } from './revision.ts';
import { secondOf } from './time.ts';

/** An event waiting in the reorder window, with the keys that order its placement. */
export interface PendingEvent {
  readonly event: NormalizedEvent;
  readonly target: Retargeted;
  /** Receive time (or the event's own time when the record had none). */
  readonly atUs: number;
  readonly second: number;
  readonly rank: number;
  readonly hint: number;
  /** The Event's resourceVersion as an integer, NaN when it is not one. */
  readonly revision: number;
}

/** The placement keys of a normalized, retargeted event received at `atUs`. */
export function pendingEventOf(event: NormalizedEvent, target: Retargeted, atUs: number): PendingEvent {
  return {
    event,
    target,
    atUs,
    second: secondOf(event.timeUs),
    rank: causalRank(event, target),
    hint: scaleHint(target),
    revision: revisionOf(event.resourceVersion) ?? Number.NaN,
  };
}

/**
 * The total order events are placed in: second, causal rank, sub-second time, scaling step, then the
 * Event's resourceVersion (etcd revisions grow with creation order; compared only when both are integers),
 * then uid and count so that the order never depends on delivery.
 */
export function comparePending(a: PendingEvent, b: PendingEvent): number {
  return (
    a.second - b.second ||
    a.rank - b.rank ||
    a.event.timeUs - b.event.timeUs ||
    a.hint - b.hint ||
    a.revision - b.revision ||
    0 ||
    (a.event.uid < b.event.uid ? -1 : a.event.uid > b.event.uid ? 1 : 0) ||
    a.event.count - b.event.count
  );
}
