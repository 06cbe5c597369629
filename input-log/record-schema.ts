import { z } from 'zod';
import { parseTimeUs } from '../core/index.ts';

/** RFC 3339 receive time. */
const receiveTime = z.string().refine((s) => parseTimeUs(s) !== undefined);

/**
 * A JSON object, checked without walking it: the Kubernetes payload is read by the engine, which counts
 * what it cannot use (walking every field of every event made replay twice as slow).
 */
const payload = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v));

/** The shape of one input-log record; unknown extra fields pass through. */
export const INPUT_RECORD_SCHEMA = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('event'),
    at: receiveTime,
    watch: z.enum(['ADDED', 'MODIFIED', 'DELETED']).optional(),
    event: payload,
  }),
  z.looseObject({ type: z.literal('object'), at: receiveTime, deleted: z.boolean().optional(), object: payload }),
  z.looseObject({ type: z.literal('tick'), at: receiveTime }),
]);

/** What to tell the user about the first problem zod found, by the field it concerns. */
export function explainRecordProblem(value: Record<string, unknown>, path: readonly PropertyKey[]): string {
  switch (path[0]) {
    case 'type':
      return `"type" must be "event", "object" or "tick", got ${JSON.stringify(value.type)}`;
    case 'at':
      return `"at" must be an RFC 3339 time like "2024-05-05T16:22:15.808Z", got ${JSON.stringify(value.at)}`;
    case 'event':
      return 'an "event" record needs an "event" object (a Kubernetes Event)';
    case 'object':
      return 'an "object" record needs an "object" (a Kubernetes object snapshot)';
    case 'watch':
      return `"watch" must be ADDED, MODIFIED or DELETED, got ${JSON.stringify(value.watch)}`;
    case 'deleted':
      return `"deleted" must be true or false, got ${JSON.stringify(value.deleted)}`;
    default:
      return 'not an input-log record';
  }
}
