import type { CorrelationRule } from '../correlation-rule.ts';

/** A controller reporting what it saw a child do → the child's newest own event. */
export const observedChild: CorrelationRule = {
  id: 'observed-child',
  description:
    "a controller reporting what it saw a child do (`CronJob.SawCompletedJob`) → the child's newest own event (`Job.Completed`)",
  find({ target, recent, objectKey }) {
    if (target.observes !== true) return undefined;
    const span = recent.latestOfPair(objectKey, objectKey);
    return span === undefined ? undefined : { rule: 'observed-child', span };
  },
};
