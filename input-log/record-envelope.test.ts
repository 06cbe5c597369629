import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInputRecord } from './record-envelope.ts';
import { INPUT_RECORD_SCHEMA } from './record-schema.ts';

const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string(),
  fc.constant([]),
  fc.constant({}),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);
const times = fc.oneof(
  fc.constantFrom('2024-05-05T16:22:00Z', '2024-05-05T16:22:00.123456789Z', '2024-05-05T18:22:00+02:00', 'noon', ''),
  fc.string(),
  anything,
);
const envelope = fc.record(
  {
    type: fc.oneof(fc.constantFrom('event', 'object', 'tick', 'banana'), anything),
    at: times,
    watch: fc.oneof(fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'), anything),
    deleted: anything,
    event: anything,
    object: anything,
    extra: anything,
  },
  { requiredKeys: [] },
);

describe('isInputRecord', () => {
  it('agrees with INPUT_RECORD_SCHEMA on every envelope', () => {
    fc.assert(
      fc.property(fc.oneof(envelope, anything), (v) => {
        expect(isInputRecord(v)).toBe(INPUT_RECORD_SCHEMA.safeParse(v).success);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    [{ type: 'tick', at: '2024-05-05T16:22:00Z' }, true],
    [{ type: 'event', at: '2024-05-05T16:22:00Z', event: {} }, true],
    [{ type: 'event', at: '2024-05-05T16:22:00Z', watch: 'BOOKMARK', event: {} }, false],
    [{ type: 'object', at: '2024-05-05T16:22:00Z', object: {}, deleted: true }, true],
    [{ type: 'object', at: '2024-05-05T16:22:00Z', object: [] }, false],
    [{ type: 'tick', at: 'noon' }, false],
  ])('%j → %s', (v, ok) => {
    expect(isInputRecord(v)).toBe(ok);
    expect(INPUT_RECORD_SCHEMA.safeParse(v).success).toBe(ok);
  });
});
