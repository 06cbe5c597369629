import type { CorrelationRule } from '../correlation-rule.ts';

/**
 * A later occurrence of an Event whose span was already exported (a crash loop's `BackOff` hours on, a
 * `FailedScheduling` series refreshed every 30 min) hangs under the parent of the Event's first span, in
 * its trace, however late, as long as the API server keeps the Event. A controller action that repeats
 * (the same "Scaled up replica set X to 1" message counted up by client-go's event correlator for a later
 * rollout) is a new action with its own cause instead.
 */
export const earlierOccurrence: CorrelationRule = {
  id: 'earlier-occurrence',
  description:
    "a later occurrence of an Event already exported → the parent of its first span, in its trace, as long as the API server keeps the Event (`eventTtlMs`, 1 h); not for a controller's repeated action",
  find({ event, actorKey, objectKey, memory, eventEntry }) {
    if (actorKey !== objectKey) return undefined;
    const ref = memory.occurrence(event.uid, event.timeUs, eventEntry);
    if (ref === undefined) return undefined;
    return {
      rule: 'earlier-occurrence',
      external: { traceId: ref.traceId, spanId: ref.parentSpanId },
      continues: ref.spanId,
    };
  },
};
