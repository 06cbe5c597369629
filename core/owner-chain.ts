import type { Diagnostics } from './diagnostics.ts';
import type { ObjectState, ObjectStore } from './object-store.ts';

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
