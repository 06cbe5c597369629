import type { FallbackRule, RuleInput } from '../correlation-rule.ts';
import { ownerChain } from '../owner-chain.ts';
import { revisionOf } from '../revision.ts';

/** The synthesized span of the root owner's generation at the event's time; always answers. */
export const rootObject: FallbackRule = {
  id: 'root-object',
  description: "the synthesized root span of the root owner's generation at the event's time",
  find({ objects, actorKey, objectKey, event, target, diagnostics }: RuleInput) {
    let chain = ownerChain(actorKey, objects, undefined, target.actor.uid);
    if (chain.length === 0 && objectKey !== actorKey) chain = ownerChain(objectKey, objects);
    const root = chain[chain.length - 1];
    if (root === undefined) {
      diagnostics.add('missing-object', `${actorKey} (event ${event.namespace}/${event.name})`);
      const a = target.actor;
      const uid = a.uid ?? actorKey;
      return {
        rule: 'root-object',
        root: {
          key: [uid, 0].join(':'),
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
    // The reporter's view of the root (the resourceVersion it names) tells the generation when the actor is the root.
    const refRevision = root.key === actorKey ? revisionOf(event.regarding.resourceVersion) : undefined;
    const g = objects.generationAt(root, event.timeUs, hint, refRevision);
    const generation = g?.generation ?? 0;
    return {
      rule: 'root-object',
      root: {
        key: [root.uid, generation].join(':'),
        kind: root.kind,
        namespace: root.namespace,
        name: root.name,
        uid: root.uid,
        generation,
        // An untimed change's time depends on delivery: the trace then starts at its first event instead.
        sinceUs: g !== undefined && g.approximate !== true ? g.sinceUs : undefined,
        manager: g?.manager ?? 'unknown',
        operation: g?.operation ?? 'Update',
        // What the change did is diffed only for a new root span (see RootRef.changesOf).
        changesOf: g === undefined ? undefined : root,
        changesAt: g,
      },
    };
  },
};
