import type { CorrelationRule } from '../correlation-rule.ts';
import { ownerChain } from '../owner-chain.ts';

/** The annotation that names an external parent span, in W3C traceparent form. */
export const TOP_LEVEL_SPAN_ANNOTATION = 'kspan.io/topLevelSpan';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** A `kspan.io/topLevelSpan` annotation on the actor or an owner → that external span. */
export const topLevelAnnotation: CorrelationRule = {
  id: 'top-level-annotation',
  description: `the \`${TOP_LEVEL_SPAN_ANNOTATION}\` annotation (W3C \`traceparent\` form) on the actor or an owner`,
  find({ objects, actorKey, diagnostics }) {
    for (const state of ownerChain(actorKey, objects)) {
      const value = state.topLevelSpan;
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
