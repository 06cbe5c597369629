import type { CorrelationRule } from '../correlation-rule.ts';
import { ownerChain } from '../owner-chain.ts';
import { isTermination, objectCauses } from './object-causes.ts';
import { rootObject } from './root-object.ts';

/**
 * A deleted owner counts when it may have been deleted by the end of the event's second (`deletedAtUs` is the
 * earliest it may have been: a deletion seen only when it arrived is taken back by the delivery delay).
 */
const DELETION_SLACK_US = 1_000_000;

/** A Pod stopped with no controller deleting it while an owner is deleted → the root span of that change. */
export const garbageCollection: CorrelationRule = {
  id: 'garbage-collection',
  description:
    'a Pod stopped (`Killing` "Stopping container") with no controller deleting it while an owner is deleted → the root\'s span (a Deployment\'s deletion has no event of its own)',
  find(input) {
    const { event, objectSpans, objectKey, actorKey, objects, target } = input;
    if (!isTermination(event)) return undefined;
    const causes = objectCauses(objectSpans, objectKey, actorKey);
    if (causes.newest === undefined || causes.newestDeletion !== undefined) return undefined;
    const chain = ownerChain(actorKey, objects, undefined, target.actor.uid);
    if (!chain.some((o) => o.deletedAtUs !== undefined && o.deletedAtUs <= event.timeUs + DELETION_SLACK_US))
      return undefined;
    const root = rootObject.find(input);
    return 'root' in root ? { rule: 'garbage-collection', root: root.root } : root;
  },
};
