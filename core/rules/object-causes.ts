import type { NormalizedEvent } from '../normalized-event.ts';
import { stopsForGood } from '../retarget-rules.ts';
import type { SpanState } from '../span-state.ts';

/** Controller reasons that record a child's removal. */
const DELETION_REASONS = new Set(['SuccessfulDelete']);
/** True for a kubelet `Killing` that stops a container for good (the Pod is going away), in any era's wording. */
export function isTermination(event: NormalizedEvent): boolean {
  return stopsForGood(event);
}

/** The open spans by other actors about an object that could have caused an event about it. */
export interface ObjectCauses {
  /** The newest of them. */
  readonly newest: SpanState | undefined;
  /** The newest that deleted the object (a controller's `SuccessfulDelete`). */
  readonly newestDeletion: SpanState | undefined;
  /** The newest that did not delete it (its creation, usually). */
  readonly newestOther: SpanState | undefined;
}

/** Looks up, newest first, among the open spans about `objectKey` (`list`), those by actors other than the object and `actorKey`. */
export function objectCauses(list: readonly SpanState[], objectKey: string, actorKey: string): ObjectCauses {
  let newest: SpanState | undefined;
  let newestDeletion: SpanState | undefined;
  let newestOther: SpanState | undefined;
  for (let i = list.length - 1; i >= 0 && (newestDeletion === undefined || newestOther === undefined); i--) {
    const s = list[i] as SpanState;
    if (s.actorKey === objectKey || s.actorKey === actorKey) continue;
    newest ??= s;
    if (s.reason !== undefined && DELETION_REASONS.has(s.reason)) newestDeletion ??= s;
    else newestOther ??= s;
  }
  return { newest, newestDeletion, newestOther };
}
