import type { InputRecord } from '../core/input-record.ts';
import { InputLogError } from './input-log-error.ts';
import { explainRecordProblem, INPUT_RECORD_SCHEMA } from './record-schema.ts';

/** Parses one NDJSON line of an input log; throws InputLogError naming `source:line` when it is not a record. */
export function parseNdjsonLine(text: string, source: string, line: number): InputRecord | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('//')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    throw new InputLogError(
      source,
      line,
      `not valid JSON (${(err as Error).message}); each line must be one JSON record`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputLogError(source, line, 'a record must be a JSON object like {"type":"event","at":"…","event":{…}}');
  }
  const parsed = INPUT_RECORD_SCHEMA.safeParse(value);
  if (!parsed.success) {
    throw new InputLogError(
      source,
      line,
      explainRecordProblem(value as Record<string, unknown>, parsed.error.issues[0]?.path ?? []),
    );
  }
  return value as InputRecord;
}

/** Reads an input log from lines (a file's, a stream's), yielding records in order. */
export async function* readNdjson(
  lines: AsyncIterable<string> | Iterable<string>,
  source: string,
): AsyncGenerator<InputRecord> {
  let n = 0;
  for await (const text of lines) {
    n += 1;
    const record = parseNdjsonLine(text, source, n);
    if (record !== undefined) yield record;
  }
}
