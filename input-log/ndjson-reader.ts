import { createRequire } from 'node:module';
import type { InputRecord } from '../core/index.ts';
import { InputLogError } from './input-log-error.ts';
import { isInputRecord } from './record-envelope.ts';
import type * as RecordSchema from './record-schema.ts';

const require = createRequire(import.meta.url);

/** The zod schema, loaded only to explain a bad record (zod adds a tenth of a second to every start-up). */
function recordSchema(): typeof RecordSchema {
  return require('./record-schema.ts') as typeof RecordSchema;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 0xfeff || c === 0xa0;
}

/** Parses one NDJSON line of an input log; throws InputLogError naming `source:line` when it is not a record. */
export function parseNdjsonLine(text: string, source: string, line: number): InputRecord | undefined {
  // Trim only when needed: machine-written lines start with '{' and end with '}'.
  const trimmed = isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(text.length - 1)) ? text.trim() : text;
  if (trimmed === '' || trimmed.startsWith('//')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    throw new InputLogError(
      source,
      line,
      `not valid JSON (${(err as Error).message}); each line must be one JSON record`,
      true,
    );
  }
  if (isInputRecord(value)) return value as InputRecord;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputLogError(source, line, 'a record must be a JSON object like {"type":"event","at":"…","event":{…}}');
  }
  const { INPUT_RECORD_SCHEMA, explainRecordProblem } = recordSchema();
  const parsed = INPUT_RECORD_SCHEMA.safeParse(value);
  const path = parsed.success ? [] : (parsed.error.issues[0]?.path ?? []);
  throw new InputLogError(source, line, explainRecordProblem(value as Record<string, unknown>, path));
}

/** Parses a batch of NDJSON lines, the first being line `firstLine`, appending the records to `out`. */
export function parseNdjsonLines(
  lines: readonly string[],
  source: string,
  firstLine: number,
  out: InputRecord[],
): void {
  for (let i = 0; i < lines.length; i++) {
    const record = parseNdjsonLine(lines[i] as string, source, firstLine + i);
    if (record !== undefined) out.push(record);
  }
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
