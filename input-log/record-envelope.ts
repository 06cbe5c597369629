import { parseTimeUs } from '../core/index.ts';

function isPayload(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * True when a parsed JSON value passes INPUT_RECORD_SCHEMA, checked by hand: the schema is the reference
 * (and explains failures), this is the hot path of replay, one call a record (record-envelope.test.ts
 * holds the two to the same answer on generated envelopes).
 */
export function isInputRecord(value: unknown): boolean {
  if (!isPayload(value)) return false;
  const r = value as Record<string, unknown>;
  if (parseTimeUs(r.at) === undefined) return false;
  switch (r.type) {
    case 'event': {
      const w = r.watch;
      return (w === undefined || w === 'ADDED' || w === 'MODIFIED' || w === 'DELETED') && isPayload(r.event);
    }
    case 'object':
      return (r.deleted === undefined || typeof r.deleted === 'boolean') && isPayload(r.object);
    case 'tick':
      return true;
    default:
      return false;
  }
}
