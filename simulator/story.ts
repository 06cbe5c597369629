import type { KubeEvent, KubeObject } from '../core/index.ts';

/** An event write as it happened in the cluster (true time, not receive time). */
export interface EventHappening {
  readonly type: 'event';
  readonly timeUs: number;
  readonly watch: 'ADDED' | 'MODIFIED';
  readonly event: KubeEvent;
}

/** An object write (or deletion) as it happened in the cluster. */
export interface ObjectHappening {
  readonly type: 'object';
  readonly timeUs: number;
  readonly deleted: boolean;
  readonly object: KubeObject;
}

/** Anything the cluster wrote, in true time. */
export type Happening = EventHappening | ObjectHappening;

/** The true cause of one Event (keyed by its UID in `Truth.events`). */
export interface TruthEvent {
  /** Event UID of the true parent, or `root:<uid>:<generation>` for a root span. */
  readonly parent: string;
  /** Root key of the true trace. */
  readonly trace: string;
  readonly kind: string;
  readonly name: string;
  readonly reason: string;
  /** Set when the log cannot tell the true parent from a look-alike (e.g. two scalings of one ReplicaSet in one second). */
  readonly ambiguous?: boolean;
}

/** A root span the truth expects (one per root-object generation). */
export interface TruthRoot {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid: string;
  readonly generation: number;
}

/** Ground truth of a scenario: kept beside the log, never inside it. */
export interface Truth {
  readonly scenario: string;
  readonly seed: number;
  readonly roots: Record<string, TruthRoot>;
  readonly events: Record<string, TruthEvent>;
}

/** A generated scenario: what happened, and why. */
export interface Story {
  readonly name: string;
  readonly seed: number;
  readonly happenings: readonly Happening[];
  readonly truth: Truth;
}

/** Parent and trace of a span-to-be: what a generator hands to the next step. */
export interface Cause {
  readonly parent: string;
  readonly trace: string;
}
