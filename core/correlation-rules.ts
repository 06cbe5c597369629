import type { CorrelationRule, ParentChoice, RuleInput } from './correlation-rule.ts';
import { actorCause } from './rules/actor-cause.ts';
import { earlierOccurrence } from './rules/earlier-occurrence.ts';
import { topLevelEvent } from './rules/top-level-event.ts';
import { rememberedObjectCause } from './rules/remembered-object-cause.ts';
import { garbageCollection } from './rules/garbage-collection.ts';
import { nodeCause } from './rules/node-cause.ts';
import { objectCause } from './rules/object-cause.ts';
import { observedChild } from './rules/observed-child.ts';
import { ownerCause } from './rules/owner-chain.ts';
import { rootObject } from './rules/root-object.ts';
import { topLevelAnnotation } from './rules/top-level-annotation.ts';
import { unidentifiedSubject } from './rules/unidentified-subject.ts';

/**
 * The correlation rules, in the order they are tried; the last (root-object) always answers. This table is
 * the one source of truth: the engine tries it, docs/causality.md is generated from it.
 */
export const CORRELATION_RULES: readonly CorrelationRule[] = [
  topLevelEvent,
  earlierOccurrence,
  nodeCause,
  observedChild,
  garbageCollection,
  objectCause,
  rememberedObjectCause,
  actorCause,
  ownerCause,
  topLevelAnnotation,
  unidentifiedSubject,
  rootObject,
];

/** Tries the rules in order, changing nothing: the first that answers is the choice. */
export function chooseParent(input: RuleInput, rules: readonly CorrelationRule[] = CORRELATION_RULES): ParentChoice {
  for (const rule of rules) {
    if (rule === rootObject) break;
    const found = rule.find(input);
    if (found !== undefined) return found;
  }
  return rootObject.find(input);
}

/** What is booked after a choice: the one piece of state correlation changes. */
export const SCALING_SLOT = {
  id: 'scaling-slot',
  description: 'a child chosen by `actor-cause` under a scaling of the same direction takes one of its slots',
} as const;

/** Books what a choice takes from its parent: a slot of a scaling (SCALING_SLOT). */
export function bookChoice(choice: ParentChoice): void {
  if ('span' in choice && choice.claimsScaleSlot === true && choice.span.scale !== undefined)
    choice.span.scale.used += 1;
}

/** Chooses the parent (pure lookups), then books the choice. */
export function correlate(input: RuleInput): ParentChoice {
  const choice = chooseParent(input);
  bookChoice(choice);
  return choice;
}
