import type { CorrelationRule } from '../correlation-rule.ts';
import { rootObject } from './root-object.ts';

/**
 * An Event annotated `topLevelSpan: "true"` (Go kspan's convention, set by Flux v1 on its `Sync` events)
 * is the root of what follows: its span heads the trace of its object's current change, and the synthesized
 * root span of that change (with everything below it) hangs under it, also when the Event arrives after
 * its effects, as long as that trace was not exported yet. Our object annotation `kspan.io/topLevelSpan`
 * (rule top-level-annotation) is a different thing: it names an external parent.
 */
export const topLevelEvent: CorrelationRule = {
  id: 'top-level-event',
  description:
    'an Event annotated `topLevelSpan: "true"` (Flux v1 `Sync`) → heads the trace of its object\'s current change: the synthesized root span hangs under it, also when it arrives after its effects (until the trace is exported)',
  find(input) {
    if (input.event.topLevel !== true) return undefined;
    const choice = rootObject.find(input);
    return 'root' in choice ? { rule: 'top-level-event', root: choice.root, heads: true } : undefined;
  },
};
