import type { GenerationInfo, ObjectState } from './object-store.ts';
import { diffSpecs, type SpecChange } from './spec-diff.ts';

const NONE: readonly SpecChange[] = Object.freeze([]);

/**
 * Each generation's diff, with the generation it was taken against. The root-object rule asks for it on every
 * event it answers, though only a new root span reads it: the summaries a diff reads never change once recorded,
 * so it is taken once per pair (diffSpecs was a fifth of the rule's time). Weak: it goes with the generation.
 */
const DIFFED = new WeakMap<
  GenerationInfo,
  { readonly previous: GenerationInfo; readonly changes: readonly SpecChange[] }
>();

/**
 * What generation `g` of a root object changed in its spec: the diff from the generation just before it. Empty
 * when that one is not known (a first generation, a gap, an object described only from this generation on).
 */
export function rootChanges(state: ObjectState, g: GenerationInfo): readonly SpecChange[] {
  const i = state.generations.indexOf(g);
  const previous = i > 0 ? state.generations[i - 1] : undefined;
  if (previous === undefined || previous.generation !== g.generation - 1) return NONE;
  if (previous.spec === undefined || g.spec === undefined) return NONE;
  const known = DIFFED.get(g);
  if (known !== undefined && known.previous === previous) return known.changes;
  const changes = diffSpecs(previous.spec, g.spec);
  DIFFED.set(g, { previous, changes });
  return changes;
}

/** The changes as span events of the root span, one each, at the change's time: OTLP backends list them. */
export function changeEvents(
  changes: readonly SpecChange[],
  timeUs: number,
): { name: string; timeUs: number; attributes: Record<string, string> }[] {
  return changes.map((c) => ({
    name: 'spec.changed',
    timeUs,
    attributes: {
      'kspan.change.field': c.field,
      ...(c.from !== undefined ? { 'kspan.change.from': c.from } : {}),
      ...(c.to !== undefined ? { 'kspan.change.to': c.to } : {}),
      'kspan.change': c.text,
    },
  }));
}
