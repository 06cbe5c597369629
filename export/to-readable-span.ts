import { SpanKind, SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { KspanSpan } from '../core/span.ts';

/** The instrumentation scope kspan's spans carry. */
export const KSPAN_SCOPE = { name: 'kspan', version: '0.1.0' } as const;

function hr(us: number): HrTime {
  const seconds = Math.floor(us / 1_000_000);
  return [seconds, (us - seconds * 1_000_000) * 1000];
}

const resources = new Map<string, Resource>();

/** One shared Resource per `service.name`, so exporters group spans by reporting component. */
export function resourceFor(serviceName: string): Resource {
  let r = resources.get(serviceName);
  if (r === undefined) {
    r = resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': 'kubernetes' });
    resources.set(serviceName, r);
  }
  return r;
}

/** Converts a core span into the OpenTelemetry SDK's `ReadableSpan`, ready for any `SpanExporter`. */
export function toReadableSpan(span: KspanSpan): ReadableSpan {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  return {
    name: span.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    ...(span.parentSpanId !== undefined
      ? {
          parentSpanContext: {
            traceId: span.traceId,
            spanId: span.parentSpanId,
            traceFlags: TraceFlags.SAMPLED,
            isRemote: false,
          },
        }
      : {}),
    startTime: hr(span.startUs),
    endTime: hr(span.endUs),
    duration: hr(span.endUs - span.startUs),
    status:
      span.status === 'error'
        ? { code: SpanStatusCode.ERROR, ...(span.statusMessage !== undefined ? { message: span.statusMessage } : {}) }
        : { code: SpanStatusCode.UNSET },
    attributes: { ...span.attributes },
    links: [],
    events: span.events.map((e) => ({ name: e.name, time: hr(e.timeUs), attributes: { ...e.attributes } })),
    ended: true,
    resource: resourceFor(span.serviceName),
    instrumentationScope: KSPAN_SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
