import { SpanKind, SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { KspanSpan } from '../core/index.ts';
import { KSPAN_VERSION } from '../common/version.ts';
import { SpanResources } from './span-resources.ts';

/** The instrumentation scope kspan's spans carry. */
export const KSPAN_SCOPE = { name: 'kspan', version: KSPAN_VERSION } as const;

function hr(us: number): HrTime {
  const seconds = Math.floor(us / 1_000_000);
  return [seconds, (us - seconds * 1_000_000) * 1000];
}

/** Resources without environment detection: a library default; commands pass `SpanResources.fromEnvironment()`. */
export const PLAIN_RESOURCES = new SpanResources();

/** One shared Resource per `service.name` (plain resources), so exporters group spans by reporting component. */
export function resourceFor(serviceName: string): Resource {
  return PLAIN_RESOURCES.forComponent(serviceName);
}

/** Converts a core span into the OpenTelemetry SDK's `ReadableSpan`, ready for any `SpanExporter` (plain resources). */
export function toReadableSpan(span: KspanSpan): ReadableSpan {
  return convert(span, PLAIN_RESOURCES);
}

/** A converter whose spans carry `resources` (cluster identity, the environment, the service.name policy). */
export function readableSpanWith(resources: SpanResources): (span: KspanSpan) => ReadableSpan {
  return (span) => convert(span, resources);
}

function convert(span: KspanSpan, resources: SpanResources): ReadableSpan {
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
    // The component stays on the span when a user-set service.name replaces it on the resource.
    attributes: { ...span.attributes, 'kspan.component': span.serviceName },
    links: [],
    events: span.events.map((e) => ({ name: e.name, time: hr(e.timeUs), attributes: { ...e.attributes } })),
    ended: true,
    resource: resources.forComponent(span.serviceName),
    instrumentationScope: KSPAN_SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
