import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttributeValue, KspanSpan } from '../core/index.ts';
import { KspanReadableSpan } from './kspan-readable-span.ts';
import { encodeTraceRequest } from './otlp-protobuf-request.ts';
import { SpanResources } from './span-resources.ts';
import { readableSpanWith } from './to-readable-span.ts';

const hex = (n: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

/** Any text: ASCII, the whole of Unicode, lone surrogates; short (one length byte) and long. */
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ minLength: 40, maxLength: 400 }),
);

/** What the encoder writes itself: strings, booleans, safe non-negative integers and any double. */
const encodableValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  text,
  fc.boolean(),
  fc.nat(),
  fc.maxSafeNat(),
  fc.double({ noInteger: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 32, 2 ** 35 + 7),
);

/** Anything an attribute may hold, including values the SDK writes on its own (negative and huge integers). */
const anyValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  { weight: 4, arbitrary: encodableValue },
  fc.integer({ min: -(2 ** 40), max: -1 }),
  fc.constantFrom(-0, 2 ** 60, -(2 ** 62)),
);

const key = fc.oneof(text, fc.constantFrom('kspan.component', 'k8s.pod.name', '0', '17', 'constructor'));

const micros = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1_500_000_000_000_000, max: 2_000_000_000_000_000 }) },
  fc.maxSafeNat(),
  fc.constantFrom(0, 1, 999_999, 1_000_000, 2 ** 32, 2 ** 32 * 1000),
);

function spanOf(value: fc.Arbitrary<AttributeValue>, time: fc.Arbitrary<number>): fc.Arbitrary<KspanSpan> {
  return fc.record(
    {
      traceId: hex(32),
      spanId: hex(16),
      parentSpanId: hex(16),
      name: text,
      startUs: time,
      endUs: time,
      serviceName: fc.constantFrom('kubelet', 'deployment-controller', 'default-scheduler', 'ünïcode'),
      attributes: fc.dictionary(key, value, { maxKeys: 8 }),
      events: fc.array(fc.record({ name: text, timeUs: time, attributes: fc.dictionary(key, value, { maxKeys: 4 }) }), {
        maxLength: 4,
      }),
      status: fc.constantFrom('unset' as const, 'error' as const),
      statusMessage: fc.oneof(fc.constant(''), text),
      revision: fc.nat(),
    },
    {
      requiredKeys: ['traceId', 'spanId', 'name', 'startUs', 'endUs', 'serviceName', 'attributes', 'events', 'status'],
    },
  );
}

const resources = fc
  .record({
    name: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    uid: fc.option(fc.uuid(), { nil: undefined }),
    extra: fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), text), { maxLength: 3 }),
  })
  .map(({ name, uid, extra }) => new SpanResources({ name, uid }, extra));

function sdkBytes(spans: readonly ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]) ?? new Uint8Array(0);
}

/** The same span as a plain object (what another SDK user would hand over). */
function plainCopy(s: ReadableSpan): ReadableSpan {
  const context = s.spanContext();
  return {
    name: s.name,
    kind: s.kind,
    spanContext: () => context,
    parentSpanContext: s.parentSpanContext,
    startTime: s.startTime,
    endTime: s.endTime,
    duration: s.duration,
    status: s.status,
    attributes: s.attributes,
    links: s.links,
    events: s.events,
    ended: s.ended,
    resource: s.resource,
    instrumentationScope: s.instrumentationScope,
    droppedAttributesCount: s.droppedAttributesCount,
    droppedEventsCount: s.droppedEventsCount,
    droppedLinksCount: s.droppedLinksCount,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('encodeTraceRequest: the SDK serializer’s bytes, written from the core spans', () => {
  it('equals ProtobufTraceSerializer byte for byte, for any spans, resources and values (fast path or not)', () => {
    fc.assert(
      fc.property(
        fc.array(spanOf(anyValue, fc.oneof(micros, fc.double({ min: 0, max: 2e15 }))), { maxLength: 12 }),
        resources,
        (spans, r) => {
          const readable = spans.map(readableSpanWith(r));
          expect(Buffer.from(encodeTraceRequest(readable))).toEqual(Buffer.from(sdkBytes(readable)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('writes encodable spans itself: the SDK serializer is never called for them', () => {
    const spy = vi.spyOn(ProtobufTraceSerializer, 'serializeRequest');
    fc.assert(
      fc.property(fc.array(spanOf(encodableValue, micros), { minLength: 1, maxLength: 12 }), resources, (spans, r) => {
        const readable = spans.map(readableSpanWith(r));
        const ours = Buffer.from(encodeTraceRequest(readable));
        expect(spy).not.toHaveBeenCalled();
        spy.mockRestore();
        expect(ours).toEqual(Buffer.from(sdkBytes(readable)));
        vi.spyOn(ProtobufTraceSerializer, 'serializeRequest');
      }),
      { numRuns: 300 },
    );
  });

  it('hands to the SDK what it does not write itself: a negative integer, a fractional time, a foreign span', () => {
    const base: KspanSpan = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'Pod.Scheduled',
      startUs: 1_700_000_000_000_000,
      endUs: 1_700_000_000_000_001,
      serviceName: 'default-scheduler',
      attributes: { 'k8s.event.count': 1 },
      events: [],
      status: 'unset',
    };
    const resource = resourceFromAttributes({ 'service.name': 'default-scheduler' });
    const cases: ReadableSpan[][] = [
      [new KspanReadableSpan({ ...base, attributes: { delta: -3 } }, resource, { name: 'kspan' })],
      [new KspanReadableSpan({ ...base, endUs: 1_700_000_000_000_000.5 }, resource, { name: 'kspan' })],
      [
        new KspanReadableSpan(base, resource, { name: 'kspan' }),
        plainCopy(new KspanReadableSpan(base, resource, { name: 'kspan' })),
      ],
    ];
    for (const spans of cases) {
      const spy = vi.spyOn(ProtobufTraceSerializer, 'serializeRequest');
      const ours = Buffer.from(encodeTraceRequest(spans));
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockRestore();
      expect(ours).toEqual(Buffer.from(sdkBytes(spans)));
    }
  });

  it('an empty batch is an empty request, as the SDK writes it', () => {
    expect(Buffer.from(encodeTraceRequest([]))).toEqual(Buffer.from(sdkBytes([])));
  });
});
