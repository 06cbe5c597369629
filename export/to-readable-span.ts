import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { KspanSpan } from '../core/index.ts';
import { KspanReadableSpan } from './kspan-readable-span.ts';
import { KSPAN_SCOPE, PLAIN_RESOURCES, type SpanResources } from './span-resources.ts';

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
  return new KspanReadableSpan(span, sdkResource(PLAIN_RESOURCES, span.serviceName), KSPAN_SCOPE);
}

/** A converter whose spans carry `resources` (cluster identity, the environment, the service.name policy). */
export function readableSpanWith(resources: SpanResources): (span: KspanSpan) => ReadableSpan {
  return (span) => new KspanReadableSpan(span, sdkResource(resources, span.serviceName), KSPAN_SCOPE);
}
