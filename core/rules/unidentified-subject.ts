import type { CorrelationRule } from '../correlation-rule.ts';

/**
 * An Event whose involved object lacks a kind or a name (an operator's `OperatorVersionChanged` without kind, a
 * `LeaderElection` on a Lease without name, a `bootstrap-success` with an empty involvedObject) that no earlier
 * rule placed and nothing identified (see SubjectIdentity) stands as the root of its own trace: it is never lost,
 * and never hung under a synthesized root of an object it does not name.
 */
export const unidentifiedSubject: CorrelationRule = {
  id: 'unidentified-subject',
  description:
    'an Event whose involved object lacks a kind or a name, and that neither its uid, the child its message names nor its reporter identified → the root of its own trace (trace ID from the Event uid)',
  find({ event }) {
    if (event.incomplete === undefined || event.incomplete.identifiedBy !== undefined) return undefined;
    return { rule: 'unidentified-subject', own: `event:${event.uid}` };
  },
};
