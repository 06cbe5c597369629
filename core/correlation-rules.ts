import type { Diagnostics } from './diagnostics.ts';
import type { NormalizedEvent } from './normalized-event.ts';
import type { ObjectState, ObjectStore } from './object-store.ts';
import type { RecentSpans } from './recent-spans.ts';
import type { Retargeted } from './retarget-rules.ts';
import type { SpanState } from './span-state.ts';

/** Ids of the correlation rules, recorded on every span as `kspan.rule`. */
export type RuleId =
  | 'node-cause'
  | 'observed-child'
  | 'garbage-collection'
  | 'object-cause'
  | 'actor-cause'
  | 'owner-chain'
  | 'top-level-annotation'
  | 'root-object';

/** The annotation that names an external parent span, in W3C traceparent form. */
export const TOP_LEVEL_SPAN_ANNOTATION = 'kspan.io/topLevelSpan';

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
}

/** Where an event's span hangs. */
export type ParentChoice =
  | { readonly rule: RuleId; readonly span: SpanState }
  | { readonly rule: RuleId; readonly external: { readonly traceId: string; readonly spanId: string } }
  | { readonly rule: RuleId; readonly root: RootRef };

/** What a rule looks at. */
export interface RuleInput {
  readonly event: NormalizedEvent;
  readonly target: Retargeted;
  readonly actorKey: string;
  readonly objectKey: string;
  readonly recent: RecentSpans;
  readonly objects: ObjectStore;
  readonly diagnostics: Diagnostics;
}

/** A named heuristic: returns a parent, or undefined to let the next rule try. */
export interface CorrelationRule {
  readonly id: RuleId;
  readonly description: string;
  find(input: RuleInput): ParentChoice | undefined;
}

const MAX_CHAIN = 8;

/** The object named `key` and its controller owners upwards, as far as they are described. */
export function ownerChain(key: string, objects: ObjectStore, diagnostics?: Diagnostics): ObjectState[] {
  const chain: ObjectState[] = [];
  let state = objects.get(key);
  while (state !== undefined && chain.length < MAX_CHAIN && !chain.includes(state)) {
    chain.push(state);
    const owner = objects.ownerKey(state);
    if (owner === undefined) break;
    const next = objects.get(owner.key);
    if (next === undefined) diagnostics?.add('missing-owner', `${state.key} → ${owner.key}`);
    state = next;
  }
  return chain;
}

function directionOf(reason: string): 'up' | 'down' | undefined {
  if (reason === 'SuccessfulCreate') return 'up';
  if (reason === 'SuccessfulDelete') return 'down';
  return undefined;
}

/** Controller reasons that record a child's removal, and kubelet messages that stop a Pod for good. */
const DELETION_REASONS = new Set(['SuccessfulDelete']);
const TERMINATION = /^Stopping container /;

/** Pod events the node lifecycle and taint-eviction controllers record because the Pod's node failed. */
const NODE_REASONS = new Set(['NodeNotReady', 'TaintManagerEviction', 'NodeControllerEviction']);

function isTermination(event: NormalizedEvent): boolean {
  return event.reason === 'Killing' && TERMINATION.test(event.message);
}

const nodeCause: CorrelationRule = {
  id: 'node-cause',
  description: "a Pod event of the node lifecycle controllers hangs under the newest open span about the Pod's node",
  find({ event, target, recent, objects, objectKey }) {
    if (target.object.kind !== 'Pod' || !NODE_REASONS.has(event.reason)) return undefined;
    const node = objects.nodeOf(objectKey);
    if (node === undefined) return undefined;
    const list = recent.aboutObject(`Node//${node}`);
    const span = list[list.length - 1];
    return span === undefined ? undefined : { rule: 'node-cause', span };
  },
};

const observedChild: CorrelationRule = {
  id: 'observed-child',
  description:
    "a controller reporting what it saw a child do (CronJob SawCompletedJob) hangs under the child's newest own event",
  find({ target, recent, objectKey }) {
    if (target.observes !== true) return undefined;
    const span = recent.latestOfPair(objectKey, objectKey);
    return span === undefined ? undefined : { rule: 'observed-child', span };
  },
};

const objectCause: CorrelationRule = {
  id: 'object-cause',
  description: "the newest open span by another actor about this event's object (a Pod's stop: its deletion)",
  find(input) {
    const { recent, objectKey, actorKey, event, objects } = input;
    const list = recent.aboutObject(objectKey);
    let newest: SpanState | undefined;
    let newestDeletion: SpanState | undefined;
    let newestOther: SpanState | undefined;
    for (let i = list.length - 1; i >= 0 && (newestDeletion === undefined || newestOther === undefined); i--) {
      const s = list[i] as SpanState;
      if (s.actorKey === objectKey || s.actorKey === actorKey) continue;
      newest ??= s;
      const reason = s.attributes['k8s.event.reason'];
      if (typeof reason === 'string' && DELETION_REASONS.has(reason)) newestDeletion ??= s;
      else newestOther ??= s;
    }
    if (newest === undefined) return undefined;
    if (isTermination(event)) {
      if (newestDeletion !== undefined) return { rule: 'object-cause', span: newestDeletion };
      // Stopped with no controller deleting it: if an owner is gone, garbage collection did it, for the root's change.
      const chain = ownerChain(actorKey, objects);
      if (chain.some((o) => o.deletedAtUs !== undefined && o.deletedAtUs <= event.timeUs + 1_000_000)) {
        const root = rootObject.find(input);
        return 'root' in root ? { rule: 'garbage-collection', root: root.root } : root;
      }
    }
    // A namesake Pod (StatefulSet) may have been deleted before this one was created: prefer the creation.
    return { rule: 'object-cause', span: newestOther ?? newest };
  },
};

const actorCause: CorrelationRule = {
  id: 'actor-cause',
  description:
    "the open span about this event's actor by another actor, preferring a same-direction scaling with room left",
  find({ recent, actorKey, objectKey, event }) {
    if (actorKey === objectKey) return undefined;
    const direction = directionOf(event.reason);
    let newest: SpanState | undefined;
    let newestSameDirection: SpanState | undefined;
    let earliestWithRoom: SpanState | undefined;
    // One pass, oldest first, without allocating: this runs for every controller event about a child.
    for (const s of recent.aboutObject(actorKey)) {
      if (s.actorKey === actorKey) continue;
      newest = s;
      if (direction === undefined || s.scale?.direction !== direction) continue;
      newestSameDirection = s;
      if (earliestWithRoom === undefined && s.scale.used < s.scale.capacity) earliestWithRoom = s;
    }
    const pick = earliestWithRoom ?? newestSameDirection;
    if (pick !== undefined) {
      if (pick.scale !== undefined) pick.scale.used += 1;
      return { rule: 'actor-cause', span: pick };
    }
    return newest === undefined ? undefined : { rule: 'actor-cause', span: newest };
  },
};

const ownerCause: CorrelationRule = {
  id: 'owner-chain',
  description: 'walking ownerReferences up from the actor: the newest open span about an owner',
  find({ recent, objects, actorKey, diagnostics }) {
    const chain = ownerChain(actorKey, objects, diagnostics);
    for (const owner of chain.slice(1)) {
      const span = recent.latestCauseOf(owner.key, owner.key, owner.key);
      if (span !== undefined) return { rule: 'owner-chain', span };
    }
    return undefined;
  },
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

const topLevelAnnotation: CorrelationRule = {
  id: 'top-level-annotation',
  description: `a ${TOP_LEVEL_SPAN_ANNOTATION} annotation (W3C traceparent) on the actor or an owner`,
  find({ objects, actorKey, diagnostics }) {
    for (const state of ownerChain(actorKey, objects)) {
      const value = state.annotations[TOP_LEVEL_SPAN_ANNOTATION];
      if (value === undefined) continue;
      const m = TRACEPARENT.exec(value.trim().toLowerCase());
      if (m === null || /^0+$/.test(m[1] as string) || /^0+$/.test(m[2] as string)) {
        diagnostics.add('bad-annotation', `${state.key}: ${JSON.stringify(value)}`);
        continue;
      }
      return { rule: 'top-level-annotation', external: { traceId: m[1] as string, spanId: m[2] as string } };
    }
    return undefined;
  },
};

const rootObject = {
  id: 'root-object',
  description: "the synthesized span of the root owner's generation at the event's time",
  find({ objects, actorKey, objectKey, event, target, diagnostics }: RuleInput): ParentChoice {
    let chain = ownerChain(actorKey, objects);
    if (chain.length === 0 && objectKey !== actorKey) chain = ownerChain(objectKey, objects);
    const root = chain[chain.length - 1];
    if (root === undefined) {
      diagnostics.add('missing-object', `${actorKey} (event ${event.namespace}/${event.name})`);
      const a = target.actor;
      const uid = a.uid ?? actorKey;
      return {
        rule: 'root-object',
        root: {
          key: `${uid}:0`,
          kind: a.kind,
          namespace: a.namespace,
          name: a.name,
          uid,
          generation: 0,
          manager: 'unknown',
          operation: 'Change',
        },
      };
    }
    // A scaling reports the size it was asked for: it tells apart generations changed within one second.
    const hint = target.scale !== undefined && chain.length === 1 ? target.scale.to : undefined;
    const g = objects.generationAt(root, event.timeUs, hint);
    const generation = g?.generation ?? 0;
    return {
      rule: 'root-object',
      root: {
        key: `${root.uid}:${generation}`,
        kind: root.kind,
        namespace: root.namespace,
        name: root.name,
        uid: root.uid,
        generation,
        // An untimed change's time depends on delivery: the trace then starts at its first event instead.
        ...(g !== undefined && g.approximate !== true ? { sinceUs: g.sinceUs } : {}),
        manager: g?.manager ?? 'unknown',
        operation: g?.operation ?? 'Update',
      },
    };
  },
} satisfies CorrelationRule;

/** The correlation rules, in the order they are tried; the last always answers. */
export const CORRELATION_RULES: readonly CorrelationRule[] = [
  nodeCause,
  observedChild,
  objectCause,
  actorCause,
  ownerCause,
  topLevelAnnotation,
  rootObject,
];

/** Tries the rules in order. */
export function correlate(input: RuleInput): ParentChoice {
  for (const rule of CORRELATION_RULES) {
    if (rule === rootObject) break;
    const found = rule.find(input);
    if (found !== undefined) return found;
  }
  return rootObject.find(input);
}
