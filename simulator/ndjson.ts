import type { InputRecord } from '../core/index.ts';

/** Serializes an input log as NDJSON: one record a line, in delivery order. */
export function toNdjson(records: Iterable<InputRecord>): string {
  let out = '';
  for (const r of records) out += `${JSON.stringify(r)}\n`;
  return out;
}
