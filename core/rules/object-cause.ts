import type { CorrelationRule } from '../correlation-rule.ts';
import { isTermination, objectCauses } from './object-causes.ts';

/** The newest open span by another actor about this event's object. */
export const objectCause: CorrelationRule = {
  id: 'object-cause',
  description:
    "the newest open span by another actor about this event's object (Pod events → the `SuccessfulCreate` of that Pod; a Pod's `Killing` \"Stopping container\" → its `SuccessfulDelete`; a namesake's deletion loses to the creation)",
  find({ event, objectSpans, objectKey, actorKey }) {
    const { newest, newestDeletion, newestOther } = objectCauses(objectSpans, objectKey, actorKey);
    if (newest === undefined) return undefined;
    if (isTermination(event) && newestDeletion !== undefined) return { rule: 'object-cause', span: newestDeletion };
    // A namesake Pod (StatefulSet) may have been deleted before this one was created: prefer the creation.
    return { rule: 'object-cause', span: newestOther ?? newest };
  },
};
