import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { replay } from '../core/index.ts';
import { ev, obj } from '../core/test-support/index.ts';
import { toReadableSpan } from '../export/to-readable-span.ts';
import { spanIdsOfExportRequest } from './otlp-span-ids.ts';

const spans = replay([
  obj(0, 'Deployment', 'web'),
  ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
  ev(2, 's2', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 1 to 2'),
]).spans;

describe('spanIdsOfExportRequest', () => {
  it('reads back every trace and span ID the OTLP exporter serialized, attributes and events skipped', () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(spans.map(toReadableSpan));
    expect(bytes).toBeDefined();
    const ids = spanIdsOfExportRequest(bytes!);
    expect(ids).toHaveLength(spans.length);
    expect(new Set(ids.map((i) => `${i.traceId}/${i.spanId}`))).toEqual(
      new Set(spans.map((s) => `${s.traceId}/${s.spanId}`)),
    );
  });

  it('reads an empty request as no spans', () => {
    expect(spanIdsOfExportRequest(new Uint8Array())).toEqual([]);
  });

  it.each([
    ['a truncated length', Uint8Array.of(0x0a, 0x05, 0x01)],
    ['a truncated varint', Uint8Array.of(0x0a, 0x80)],
    ['an unsupported wire type', Uint8Array.of(0x0b)],
  ])('throws on %s', (_, bytes) => {
    expect(() => spanIdsOfExportRequest(bytes)).toThrow();
  });
});
