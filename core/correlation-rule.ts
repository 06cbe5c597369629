import type { Diagnostics } from './diagnostics.ts';
import type { EventSlot } from './event-index.ts';
import type { EventMemory } from './event-memory.ts';
import type { NormalizedEvent } from './normalized-event.ts';
import type { GenerationInfo, ObjectState, ObjectStore } from './object-store.ts';
import type { RecentSpans } from './recent-spans.ts';
import type { Retargeted } from './retarget-rules.ts';
import type { SpanState } from './span-state.ts';
import type { SpecChange } from './spec-diff.ts';

/** Ids of the correlation rules, recorded on every span as `kspan.rule`. */
export type RuleId =
  | 'top-level-event'
  | 'earlier-occurrence'
  | 'node-cause'
  | 'observed-child'
  | 'garbage-collection'
  | 'object-cause'
  | 'remembered-object-cause'
  | 'actor-cause'
  | 'owner-chain'
  | 'top-level-annotation'
  | 'unidentified-subject'
  | 'root-object';

/** The root object of a trace, at the generation current when the event happened. */
export interface RootRef {
  /** `uid:generation`. */
  readonly key: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly generation: number;
  /** When the change happened; absent when unknown or only approximated by when its snapshot arrived. */
  readonly sinceUs?: number;
  readonly manager: string;
  readonly operation: string;
  /** What the change did to the spec, when the generation before it is known. */
  readonly changes?: readonly SpecChange[];
  /**
   * Without `changes`: the root object and its generation, for the trace assembler to diff (rootChanges) only when it
   * makes a new root span, not for every event the root-object rule answers (most join a trace already open).
   */
  readonly changesOf?: ObjectState;
  readonly changesAt?: GenerationInfo;
}

/** Where an event's span hangs. */
export type ParentChoice =
  | {
      readonly rule: RuleId;
      readonly span: SpanState;
      /** The child takes one of the parent scaling's slots ("from 2 to 4" accounts for two); booked after the choice. */
      readonly claimsScaleSlot?: true;
    }
  | {
      readonly rule: RuleId;
      readonly external: { readonly traceId: string; readonly spanId: string };
      /** The span this one continues (a later occurrence of the same Event), recorded as `kspan.continues`. */
      readonly continues?: string;
    }
  | {
      readonly rule: RuleId;
      readonly root: RootRef;
      /** The span heads the root's trace: the synthesized root span becomes its child (a `topLevelSpan` Event). */
      readonly heads?: true;
    }
  | {
      readonly rule: RuleId;
      /** The span is the root of a trace of its own, keyed by this (an Event whose subject nothing identified). */
      readonly own: string;
    };

/** What a rule looks at. Rules only read it; `diagnostics` is the one thing they may write to. */
export interface RuleInput {
  readonly event: NormalizedEvent;
  readonly target: Retargeted;
  readonly actorKey: string;
  readonly objectKey: string;
  /** The open spans about `objectKey`, oldest first (`recent.aboutObject(objectKey)`, looked up once per event). */
  readonly objectSpans: readonly SpanState[];
  readonly recent: RecentSpans;
  readonly objects: ObjectStore;
  /** What was exported already: Events' first spans and objects' creations (see EventMemory). */
  readonly memory: EventMemory;
  /** The event's record in the engine's EventIndex (`memory.occurrence` reads it without a lookup), when at hand. */
  readonly eventEntry?: EventSlot;
  readonly diagnostics: Diagnostics;
}

/** A named heuristic: a pure lookup that returns a parent, or undefined to let the next rule try. */
export interface CorrelationRule {
  readonly id: RuleId;
  /** One line for docs/causality.md (generated from the rule table). */
  readonly description: string;
  find(input: RuleInput): ParentChoice | undefined;
}

/** The last rule: it always answers. */
export interface FallbackRule extends CorrelationRule {
  find(input: RuleInput): ParentChoice;
}
