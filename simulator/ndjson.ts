import type { InputRecord } from '../core/input-record.ts';

/** Serializes an input log as NDJSON: one record a line, in delivery order. */
export function toNdjson(records: Iterable<InputRecord>): string {
  let out = '';
  for (const r of records) out += `${JSON.stringify(r)}\n`;
  return out;
}

/** Parses an NDJSON input log; throws with the line number on a malformed line. */
export function parseNdjson(text: string): InputRecord[] {
  const out: InputRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as InputRecord);
    } catch (e) {
      throw new Error(
        `NDJSON input log, line ${i + 1}: ${(e as Error).message}; each line must be one JSON InputRecord`,
        { cause: e },
      );
    }
  }
  return out;
}
