import { isClusterScoped } from './cluster-scoped.ts';
import { subjectInMessage } from './message-subjects.ts';
import { objectKey, type EventObject, type IncompleteSubject, type NormalizedEvent } from './normalized-event.ts';
import type { ObjectStore } from './object-store.ts';
import type { PendingEvent } from './placement-order.ts';
import { PairKeys } from './pair-keys.ts';
import { childNameOf, type Retargeter } from './retarget-rules.ts';

/** Distinct subjects remembered per reporter, and reporters remembered. */
const SUBJECTS_PER_REPORTER = 8;
const REPORTERS = 4096;

/**
 * How the core names an event's subject: `Kind/namespace/name` when complete; for an incomplete one nothing
 * identified, a key of what it does name (its uid, or the Event's own uid), which is never a real object's key,
 * so no other object's spans are taken for its own.
 */
export function subjectKey(o: EventObject, eventUid: string): string {
  if (o.kind !== '' && o.name !== '') return objectKey(o);
  return `?${o.kind}/${o.namespace}/${o.name}/${o.uid ?? `event:${eventUid}`}`;
}

interface Spoken {
  readonly key: string;
  readonly object: EventObject;
  timeUs: number;
}

type IdentifiedBy = NonNullable<IncompleteSubject['identifiedBy']>;

/** How an incomplete subject is identified, tried in this order (docs/causality.md is generated from it). */
export const SUBJECT_IDENTIFICATION: readonly { readonly id: IdentifiedBy; readonly description: string }[] = [
  {
    id: 'uid',
    description: 'the object described with the uid the reference names (an `OperatorVersionChanged` without kind)',
  },
  {
    id: 'named-child',
    description:
      'the child a controller\'s message names ("Created pod: x", "Scaled up replica set x …"), when it is described: its owner of the reporting kind',
  },
  {
    id: 'message',
    description:
      'the object the message itself names (`MESSAGE_SUBJECTS`: "Successfully assigned ns/pod to node", "Node x status is now: …")',
  },
  {
    id: 'reporter',
    description:
      "the one object (of the kind named, if any) the same component and instance reported on in the retention window (a leader elector's Lease); none when it reported on several",
  },
];

/**
 * Identifies the object of an Event whose `involvedObject` lacks a kind or a name, from what it does name
 * (SUBJECT_IDENTIFICATION, in order). It also moves a complete subject whose uid the store knows under another
 * namespace (a cluster-scoped custom resource an Event names in its own namespace) to that object.
 */
export class SubjectIdentity {
  private readonly spoken = new Map<string, Spoken[]>();
  /** The reporters' keys (component and instance joined), one copy each. */
  private readonly reporters = new PairKeys('\u0000');
  private readonly maxAgeUs: number;
  private readonly retargeter: Retargeter;

  /** `maxAgeUs`: how long a reporter's subject stays a candidate; `retargeter`: the engine's (custom rules too). */
  constructor(maxAgeUs: number, retargeter: Retargeter) {
    this.maxAgeUs = maxAgeUs;
    this.retargeter = retargeter;
  }

  /** The pending event with its subject identified (and retargeted again), or unchanged. */
  identify(p: PendingEvent, objects: ObjectStore): PendingEvent {
    const { event } = p;
    const ref = event.regarding;
    if (event.incomplete === undefined) {
      if (ref.uid === undefined) return p;
      const s = objects.byUid(ref.uid);
      if (s === undefined || s.kind !== ref.kind || s.name !== ref.name || s.namespace === ref.namespace) return p;
      return this.withSubject(p, { ...ref, namespace: s.namespace }, undefined);
    }
    for (const step of SUBJECT_IDENTIFICATION) {
      const found = this.find(step.id, event, event.incomplete, objects);
      if (found !== undefined) return this.withSubject(p, found.object, found.by);
    }
    return p;
  }

  private find(
    id: IdentifiedBy,
    event: NormalizedEvent,
    incomplete: IncompleteSubject,
    objects: ObjectStore,
  ): Found | undefined {
    switch (id) {
      case 'uid':
        return this.byUid(event, objects);
      case 'named-child':
        return this.byNamedChild(event, objects);
      case 'message':
        return byMessage(event, objects);
      case 'reporter':
        return this.byReporter(event, incomplete);
    }
  }

  /** Books that the event's reporter spoke about its (complete) subject `actor` (key `actorKey`), after placing it. */
  observe(event: NormalizedEvent, actor: EventObject, actorKey: string): void {
    if (actor.kind === '' || actor.name === '') return;
    const reporter = this.reporters.of(event.component, event.instance);
    let list = this.spoken.get(reporter);
    const last = list?.[list.length - 1];
    // The hot path (every placed event): the reporter spoke about the same object last time.
    if (last?.key === actorKey) {
      last.timeUs = Math.max(last.timeUs, event.timeUs);
      return;
    }
    if (list === undefined) {
      list = [];
      if (this.spoken.size >= REPORTERS) this.spoken.delete(this.spoken.keys().next().value as string);
      this.spoken.set(reporter, list);
    }
    // A loop, not findIndex with a closure; the entry moves to the newest end in place (no splice, no array).
    let i = list.length - 1;
    while (i >= 0 && (list[i] as Spoken).key !== actorKey) i--;
    const known = i >= 0 ? (list[i] as Spoken) : undefined;
    if (known !== undefined) {
      for (let k = i; k < list.length - 1; k++) list[k] = list[k + 1] as Spoken;
      list.length -= 1;
    }
    // The same object spoken of again (as it was: same uid) keeps its entry, at this event's time.
    if (known !== undefined && known.object.uid === actor.uid) {
      known.timeUs = event.timeUs;
      list.push(known);
    } else
      list.push({
        key: actorKey,
        object: { kind: actor.kind, namespace: actor.namespace, name: actor.name, uid: actor.uid },
        timeUs: event.timeUs,
      });
    if (list.length > SUBJECTS_PER_REPORTER) list.shift();
  }

  private withSubject(p: PendingEvent, regarding: EventObject, by: IncompleteSubject['identifiedBy']): PendingEvent {
    const event: NormalizedEvent = {
      ...p.event,
      regarding,
      ...(p.event.incomplete === undefined || by === undefined
        ? {}
        : { incomplete: { ...p.event.incomplete, identifiedBy: by } }),
    };
    return { ...p, event, target: this.retargeter.retarget(event) };
  }

  private byUid(event: NormalizedEvent, objects: ObjectStore): Found | undefined {
    const ref = event.regarding;
    const s = ref.uid === undefined ? undefined : objects.byUid(ref.uid);
    if (s === undefined || (ref.kind !== '' && s.kind !== ref.kind) || (ref.name !== '' && s.name !== ref.name))
      return undefined;
    return { object: { ...ref, kind: s.kind, namespace: s.namespace, name: s.name }, by: 'uid' };
  }

  private byNamedChild(event: NormalizedEvent, objects: ObjectStore): Found | undefined {
    const ref = event.regarding;
    let found: EventObject | undefined;
    for (const rule of this.retargeter.rules) {
      if ((ref.kind !== '' && rule.actorKind !== ref.kind) || !rule.reasons.includes(event.reason)) continue;
      const m = rule.pattern.exec(event.message);
      const name = m === null ? undefined : childNameOf(m);
      const child =
        name === undefined
          ? undefined
          : objects.get(objectKey({ kind: rule.childKind, namespace: ref.namespace, name }));
      const owner = child === undefined ? undefined : objects.ownerKey(child);
      if (child === undefined || owner === undefined || owner.ref.kind !== rule.actorKind) continue;
      const actor: EventObject = {
        kind: owner.ref.kind,
        namespace: child.namespace,
        name: owner.ref.name,
        uid: owner.ref.uid,
      };
      if (found !== undefined && objectKey(found) !== objectKey(actor)) return undefined;
      found = actor;
    }
    return found === undefined ? undefined : { object: { ...ref, ...found }, by: 'named-child' };
  }

  private byReporter(event: NormalizedEvent, incomplete: IncompleteSubject): Found | undefined {
    const ref = event.regarding;
    const since = event.timeUs - this.maxAgeUs;
    let found: Spoken | undefined;
    for (const s of this.spoken.get(this.reporters.of(event.component, event.instance)) ?? []) {
      if (s.timeUs < since || (ref.kind !== '' && s.object.kind !== ref.kind)) continue;
      if (incomplete.ownNamespace && s.object.namespace !== ref.namespace) continue;
      if (ref.name !== '' && s.object.name !== ref.name) continue;
      if (found !== undefined) return undefined;
      found = s;
    }
    return found === undefined ? undefined : { object: { ...ref, ...found.object }, by: 'reporter' };
  }
}

/** The object the message names (MESSAGE_SUBJECTS), with its uid when it is described. */
function byMessage(event: NormalizedEvent, objects: ObjectStore): Found | undefined {
  const ref = event.regarding;
  const named = subjectInMessage(event.reason, event.message, ref.kind);
  if (named === undefined || (ref.name !== '' && named.name !== ref.name)) return undefined;
  const namespace = isClusterScoped(named.kind) ? '' : (named.namespace ?? ref.namespace);
  const object = { kind: named.kind, namespace, name: named.name };
  const uid = objects.get(objectKey(object))?.uid;
  return { object: { ...ref, ...object, uid: uid ?? ref.uid }, by: 'message' };
}

interface Found {
  readonly object: EventObject;
  readonly by: IdentifiedBy;
}
