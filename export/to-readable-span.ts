import { SpanKind, SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { KspanSpan } from '../core/index.ts';
import { KSPAN_SCOPE, PLAIN_RESOURCES, type SpanResources } from './span-resources.ts';

function hr(us: number): HrTime {
  const seconds = Math.floor(us / 1_000_000);
  return [seconds, (us - seconds * 1_000_000) * 1000];
}

/** One shared Resource per `service.name` (plain resources), so exporters group spans by reporting component. */
export function resourceFor(serviceName: string): Resource {
  return sdkResource(PLAIN_RESOURCES, serviceName);
}

const sdkResources = new WeakMap<SpanResources, Map<string, Resource>>();

/** The SDK's `Resource` of a component's attributes, one object per component and set of resources. */
function sdkResource(resources: SpanResources, component: string): Resource {
  let byComponent = sdkResources.get(resources);
  if (byComponent === undefined) sdkResources.set(resources, (byComponent = new Map<string, Resource>()));
  let r = byComponent.get(component);
  if (r === undefined)
    byComponent.set(component, (r = resourceFromAttributes(resources.forComponent(component).attributes)));
  return r;
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
    resource: sdkResource(resources, span.serviceName),
    instrumentationScope: KSPAN_SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
