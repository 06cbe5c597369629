import type { CorrelationRule } from '../correlation-rule.ts';
import type { SpanState } from '../span-state.ts';

function directionOf(reason: string): 'up' | 'down' | undefined {
  if (reason === 'SuccessfulCreate') return 'up';
  if (reason === 'SuccessfulDelete') return 'down';
  return undefined;
}

/** The open span about the actor by another actor, preferring a same-direction scaling with room left. */
export const actorCause: CorrelationRule = {
  id: 'actor-cause',
  description:
    'the open span about this event\'s actor by another actor, preferring a scaling in the same direction that still has room ("from 2 to 4" accounts for two creations)',
  find({ recent, actorKey, objectKey, event }) {
    if (actorKey === objectKey) return undefined;
    const direction = directionOf(event.reason);
    let newest: SpanState | undefined;
    let newestSameDirection: SpanState | undefined;
    let earliestWithRoom: SpanState | undefined;
    // One pass, oldest first, without allocating: this runs for every controller event about a child.
    for (const s of recent.aboutObject(actorKey)) {
      if (s.actorKey === actorKey) continue;
      newest = s;
      if (direction === undefined || s.scale?.direction !== direction) continue;
      newestSameDirection = s;
      if (earliestWithRoom === undefined && s.scale.used < s.scale.capacity) earliestWithRoom = s;
    }
    const pick = earliestWithRoom ?? newestSameDirection;
    // The slot is booked after the choice (see correlate), so this lookup changes nothing.
    if (pick !== undefined) return { rule: 'actor-cause', span: pick, claimsScaleSlot: true };
    return newest === undefined ? undefined : { rule: 'actor-cause', span: newest };
  },
};
