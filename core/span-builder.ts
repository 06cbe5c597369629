import type { Diagnostics } from './diagnostics.ts';
import { spanIdOf } from './ids.ts';
import type { PendingEvent } from './placement-order.ts';
import { eventAttributes } from './span-attributes.ts';
import { NO_EVENTS, type SpanState, type TraceState } from './span-state.ts';
import { PairKeys } from './pair-keys.ts';
import type { RuleId } from './correlation-rule.ts';
import { scaleCapacity } from './scale-ledger.ts';
import { refineWithinSecond } from './within-second.ts';

/** Where the new span goes, once its parent was chosen and its trace opened. */
export interface SpanPlace {
  readonly rule: RuleId;
  readonly trace: TraceState;
  readonly parent: SpanState | undefined;
  /** Parent span ID outside the core (a `topLevelSpan` annotation). */
  readonly externalParentId: string | undefined;
  readonly actorKey: string;
  readonly objectKey: string;
  /** The newest span about the same object, for the within-second refinement. */
  readonly previousAboutObject: SpanState | undefined;
  /** For a scaling: how many children it accounts for (see ScaleLedger); unbounded when unknown. */
  readonly scaleCapacity?: number;
  /** The first span of the same Event, when this span continues it (a later occurrence after export). */
  readonly continues?: string;
  /** The span is of this occurrence only (another action patched into an aggregated Event): it starts now. */
  readonly thisOccurrence?: true;
}

/**
 * The build step: an event's span, with a deterministic ID (Event uid and occurrence), `Kind.Reason` name,
 * semantic-convention attributes, error status for Warnings, and a start never before its parent's (clamped,
 * and said so in `kspan.clamped`).
 */
export function buildSpan(
  p: PendingEvent,
  place: SpanPlace,
  diagnostics: Diagnostics,
  names: PairKeys = new PairKeys('.'),
): SpanState {
  const { event, target } = p;
  const { parent, trace } = place;
  // Only the event's own reference gives the object's uid: a store lookup by name could see a namesake
  // (a StatefulSet Pod recreated) depending on delivery timing.
  const attributes = eventAttributes(event, target, target.object.uid);
  attributes['kspan.rule'] = place.rule;
  // A continuation covers the occurrences from this one on; a first span, the whole series it sees.
  let startUs =
    event.count > 1 && place.continues === undefined && place.thisOccurrence !== true ? event.firstUs : event.timeUs;
  if (place.continues !== undefined) attributes['kspan.continues'] = place.continues;
  if (!event.precise) startUs = refineWithinSecond(startUs, parent, place.previousAboutObject);
  if (parent !== undefined && startUs < parent.startUs) {
    attributes['kspan.clamped'] = true;
    attributes['kspan.original_start_us'] = startUs;
    diagnostics.add('clamped-start', `${event.namespace}/${event.name} ${event.reason}`);
    startUs = parent.startUs;
  }
  const s = target.scale;
  // Every field in SpanState's order, absent ones undefined: one shape with the synthesized root spans (openRoot).
  return {
    spanId: spanIdOf(event.uid, event.count),
    trace,
    parent,
    externalParentId: place.externalParentId,
    name: names.of(
      target.actor.kind === '' ? 'Unknown' : target.actor.kind,
      event.reason === '' ? 'Event' : event.reason,
    ),
    startUs,
    lastUs: Math.max(startUs, event.timeUs),
    endedByNextUs: undefined,
    serviceName: event.component,
    attributes,
    events: NO_EVENTS,
    error: event.type === 'Warning',
    reason: event.reason,
    actorKey: place.actorKey,
    objectKey: place.objectKey,
    recent: undefined,
    event: undefined,
    eventUid: event.uid,
    revision: p.revision,
    scale:
      s === undefined
        ? undefined
        : { direction: s.direction, capacity: place.scaleCapacity ?? scaleCapacity(s.to, s.from), used: 0 },
    emitted: false,
  };
}
