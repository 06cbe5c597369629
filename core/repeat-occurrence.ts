import type { NormalizedEvent } from './normalized-event.ts';
import { NO_EVENTS, type SpanState } from './span-state.ts';

/**
 * A later occurrence of an Event whose span is still open: the span's count, last message and end move on,
 * and the occurrence becomes a `repeated` span event (up to `maxRepeatEvents`; more are only counted).
 */
export function recordRepeat(span: SpanState, event: NormalizedEvent, maxRepeatEvents: number): void {
  // The span's count is its attribute (no field of its own; a span repeats only while pending, attributes held).
  span.attributes['kspan.event.count'] = Math.max(span.attributes['kspan.event.count'] as number, event.count);
  if (event.message !== '' && event.message !== span.attributes['kspan.event.message'])
    span.attributes['kspan.event.last_message'] = event.message;
  span.lastUs = Math.max(span.lastUs, event.timeUs);
  span.trace.lastUs = Math.max(span.trace.lastUs, event.timeUs);
  if (span.events.length < maxRepeatEvents) {
    if (span.events === NO_EVENTS) span.events = [];
    span.events.push({
      name: 'repeated',
      timeUs: Math.max(event.timeUs, span.startUs),
      attributes: { 'kspan.event.count': event.count },
    });
  } else {
    // The count is the attribute itself (no field of its own: most spans never repeat this often).
    span.attributes['kspan.repeats_not_shown'] =
      ((span.attributes['kspan.repeats_not_shown'] as number | undefined) ?? 0) + 1;
  }
}

/**
 * A later occurrence of a controller's Event (retargeted: it reports acting on a child) with another message is
 * another action, not a repeat: client-go's event correlator patches the 11th and later similar events of one
 * source, object, type and reason within 10 minutes into the one aggregated Event "(combined from similar
 * events): …" with count + 1 and the new message (tools/record events_cache.go, eventObserve), so a
 * Deployment's later scalings of a long rollout, of other ReplicaSets too, arrive as updates of one Event.
 */
export function isAnotherAction(span: SpanState, event: NormalizedEvent, retargeted: boolean): boolean {
  return retargeted && event.message !== span.attributes['kspan.event.message'];
}
