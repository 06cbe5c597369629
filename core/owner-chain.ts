import type { Diagnostics } from './diagnostics.ts';
import type { ObjectState, ObjectStore } from './object-store.ts';

const MAX_CHAIN = 8;

/**
 * The object named `key` (the one with `uid`, when the event names it: a namesake may have taken the name
 * since) and its controller owners upwards, as far as they are described. Owners are followed by the uid
 * of the owner reference, so a Pod of a deleted StatefulSet never walks into the StatefulSet created again
 * under the same name.
 */
export function ownerChain(key: string, objects: ObjectStore, diagnostics?: Diagnostics, uid?: string): ObjectState[] {
  const chain: ObjectState[] = [];
  let state = (uid === undefined ? undefined : objects.getByUid(key, uid)) ?? objects.get(key);
  while (state !== undefined && chain.length < MAX_CHAIN && !chain.includes(state)) {
    chain.push(state);
    const owner = objects.ownerKey(state);
    if (owner === undefined) break;
    // By uid first: an owner of another scope (a cluster-scoped custom resource) is found whatever its key.
    const byUid = objects.byUid(owner.ref.uid);
    let next = byUid?.kind === owner.ref.kind ? byUid : objects.getByUid(owner.key, owner.ref.uid);
    if (next === undefined) {
      const named = objects.get(owner.key);
      // An owner is older than what it owns: a younger namesake is not it.
      const namesake =
        named !== undefined &&
        named.createdUs !== undefined &&
        state.createdUs !== undefined &&
        named.createdUs > state.createdUs;
      next = namesake ? undefined : named;
      if (next === undefined) diagnostics?.add('missing-owner', `${state.key} → ${owner.key}`);
    }
    state = next;
  }
  return chain;
}
