import type { CorrelationRule } from '../correlation-rule.ts';
import { stopsForGood } from '../retarget-rules.ts';

/**
 * An object's own event with no open span about the object (its trace was exported and forgotten: a Pod
 * scheduled after 40 min Pending, a new `Killing` hours into a crash loop) hangs under the remembered span
 * that created it (or, for a stop, deleted it), in that span's trace, while the object's events keep coming
 * within the Event TTL. A namesake created after that span does not inherit it.
 */
export const rememberedObjectCause: CorrelationRule = {
  id: 'remembered-object-cause',
  description:
    "an object's own event when no open span is about it → the remembered span that created (for a stop: deleted) it, in its exported trace, while the object's events keep coming within the Event TTL",
  find({ event, actorKey, objectKey, objects, memory }) {
    if (actorKey !== objectKey) return undefined;
    const ref = memory.objectCause(objectKey, event.timeUs, stopsForGood(event), objects.get(objectKey)?.createdUs);
    if (ref === undefined) return undefined;
    return { rule: 'remembered-object-cause', external: { traceId: ref.traceId, spanId: ref.spanId } };
  },
};
