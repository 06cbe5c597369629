import type { CorrelationRule } from '../correlation-rule.ts';
import { ownerChain } from '../owner-chain.ts';

/** Walking ownerReferences up from the actor: the newest open span about an owner. */
export const ownerCause: CorrelationRule = {
  id: 'owner-chain',
  description: 'walking ownerReferences up from the actor: the newest open span about an owner',
  find({ recent, objects, actorKey, target, diagnostics }) {
    const chain = ownerChain(actorKey, objects, diagnostics, target.actor.uid);
    for (const owner of chain.slice(1)) {
      const span = recent.latestCauseOf(owner.key, owner.key, owner.key);
      if (span !== undefined) return { rule: 'owner-chain', span };
    }
    return undefined;
  },
};
