import type { InputRecord } from '../core/input-record.ts';
import { parseTimeUs } from '../core/time.ts';
import { InputLogError } from './input-log-error.ts';

const TYPES = new Set(['event', 'object', 'tick']);

/** Parses one NDJSON line of an input log; throws InputLogError naming `source:line` when it is not a record. */
export function parseNdjsonLine(text: string, source: string, line: number): InputRecord | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('//')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    throw new InputLogError(source, line, `not valid JSON (${(err as Error).message}); each line must be one JSON record`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputLogError(source, line, 'a record must be a JSON object like {"type":"event","at":"…","event":{…}}');
  }
  const r = value as Record<string, unknown>;
  if (typeof r.type !== 'string' || !TYPES.has(r.type)) {
    throw new InputLogError(source, line, `"type" must be "event", "object" or "tick", got ${JSON.stringify(r.type)}`);
  }
  if (parseTimeUs(r.at) === undefined) {
    throw new InputLogError(source, line, `"at" must be an RFC 3339 time like "2024-05-05T16:22:15.808Z", got ${JSON.stringify(r.at)}`);
  }
  if (r.type === 'event' && (r.event === null || typeof r.event !== 'object')) {
    throw new InputLogError(source, line, 'an "event" record needs an "event" object (a Kubernetes Event)');
  }
  if (r.type === 'object' && (r.object === null || typeof r.object !== 'object')) {
    throw new InputLogError(source, line, 'an "object" record needs an "object" (a Kubernetes object snapshot)');
  }
  return value as InputRecord;
}

/** Reads an input log from lines (a file's, a stream's), yielding records in order. */
export async function* readNdjson(lines: AsyncIterable<string> | Iterable<string>, source: string): AsyncGenerator<InputRecord> {
  let n = 0;
  for await (const text of lines) {
    n += 1;
    const record = parseNdjsonLine(text, source, n);
    if (record !== undefined) yield record;
  }
}
