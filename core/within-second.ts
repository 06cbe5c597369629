import type { SpanState } from './span-state.ts';

/**
 * A whole-second timestamp only says the event happened within that second. Events are placed in causal
 * order, so the earliest time consistent with what came before is just after the previous span on the same
 * object (`previous`), or the parent's start, when that falls inside the same second.
 */
export function refineWithinSecond(
  startUs: number,
  parent: SpanState | undefined,
  previous: SpanState | undefined,
): number {
  const limit = startUs + 1_000_000;
  let refined = startUs;
  if (parent !== undefined && parent.startUs > refined && parent.startUs < limit) refined = parent.startUs;
  if (previous !== undefined && previous.startUs >= refined && previous.startUs + 1 < limit)
    refined = previous.startUs + 1;
  return refined;
}
