import type { NormalizedEvent } from './normalized-event.ts';
import type { SpanState } from './span-state.ts';

/**
 * A later occurrence of an Event whose span is still open: the span's count, last message and end move on,
 * and the occurrence becomes a `repeated` span event (up to `maxRepeatEvents`; more are only counted).
 */
export function recordRepeat(span: SpanState, event: NormalizedEvent, maxRepeatEvents: number): void {
  span.count = Math.max(span.count, event.count);
  span.attributes['kspan.event.count'] = span.count;
  if (event.message !== '' && event.message !== span.attributes['kspan.event.message'])
    span.attributes['kspan.event.last_message'] = event.message;
  span.lastUs = Math.max(span.lastUs, event.timeUs);
  span.trace.lastUs = Math.max(span.trace.lastUs, event.timeUs);
  if (span.events.length < maxRepeatEvents) {
    span.events.push({
      name: 'repeated',
      timeUs: Math.max(event.timeUs, span.startUs),
      attributes: { 'kspan.event.count': event.count },
    });
  } else {
    span.droppedRepeats += 1;
    span.attributes['kspan.repeats_not_shown'] = span.droppedRepeats;
  }
}
