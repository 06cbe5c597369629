import type { KspanSpan } from '../core/index.ts';

/** Per-object overhead of a span, an attribute and a span event in the V8 heap (measured roughly; an estimate). */
const SPAN_OVERHEAD = 400;
const ENTRY_OVERHEAD = 40;

/** Estimated heap bytes of a span: what the export queue's byte bound counts. */
export function spanBytes(span: KspanSpan): number {
  let n = SPAN_OVERHEAD + 2 * (span.name.length + span.serviceName.length + (span.statusMessage?.length ?? 0));
  for (const [k, v] of Object.entries(span.attributes)) n += ENTRY_OVERHEAD + 2 * (k.length + valueLength(v));
  for (const e of span.events) {
    n += ENTRY_OVERHEAD + 2 * e.name.length;
    for (const [k, v] of Object.entries(e.attributes)) n += ENTRY_OVERHEAD + 2 * (k.length + valueLength(v));
  }
  return n;
}

function valueLength(v: string | number | boolean): number {
  return typeof v === 'string' ? v.length : 8;
}
