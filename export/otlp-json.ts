import type { AttributeValue, KspanSpan } from '../core/span.ts';
import { KSPAN_SCOPE, resourceFor } from './to-readable-span.ts';

// The OTLP/JSON encoding of ExportTraceServiceRequest (opentelemetry-proto, JSON mapping): hex IDs, times as
// decimal strings of nanoseconds, enums as numbers. Written straight from the core's spans, field for field
// in the order @opentelemetry/otlp-transformer's JsonTraceSerializer writes them (otlp-json.test.ts holds
// the two to the same bytes), without building ReadableSpans and request objects first.

const SCOPE = `{"name":${JSON.stringify(KSPAN_SCOPE.name)},"version":${JSON.stringify(KSPAN_SCOPE.version)}}`;
/** Span flags: W3C sampled, and "is_remote is known" (false) as the SDK sets for local parents. */
const FLAGS = 0x101;

function nanos(us: number): string {
  if (Number.isSafeInteger(us) && us > 0) return `"${us}000"`;
  const seconds = Math.floor(us / 1_000_000);
  return `"${BigInt(seconds) * 1_000_000_000n + BigInt(Math.round((us - seconds * 1_000_000) * 1000))}"`;
}

function anyValue(v: AttributeValue): string {
  switch (typeof v) {
    case 'string':
      return `{"stringValue":${JSON.stringify(v)}}`;
    case 'number':
      return Number.isInteger(v) ? `{"intValue":${v}}` : `{"doubleValue":${JSON.stringify(v)}}`;
    default:
      return `{"boolValue":${String(v)}}`;
  }
}

function attributes(attrs: Readonly<Record<string, AttributeValue>>): string {
  let out = '';
  for (const key in attrs) {
    if (out !== '') out += ',';
    out += `{"key":${JSON.stringify(key)},"value":${anyValue(attrs[key] as AttributeValue)}}`;
  }
  return `[${out}]`;
}

function span(s: KspanSpan): string {
  let events = '';
  for (const e of s.events) {
    if (events !== '') events += ',';
    events += `{"attributes":${attributes(e.attributes)},"name":${JSON.stringify(e.name)},"timeUnixNano":${nanos(e.timeUs)},"droppedAttributesCount":0}`;
  }
  const status =
    s.status === 'error'
      ? s.statusMessage !== undefined
        ? `{"code":2,"message":${JSON.stringify(s.statusMessage)}}`
        : '{"code":2}'
      : '{"code":0}';
  return (
    `{"traceId":"${s.traceId}","spanId":"${s.spanId}",` +
    (s.parentSpanId !== undefined && s.parentSpanId !== '' ? `"parentSpanId":"${s.parentSpanId}",` : '') +
    `"name":${JSON.stringify(s.name)},"kind":1,"startTimeUnixNano":${nanos(s.startUs)},"endTimeUnixNano":${nanos(s.endUs)},` +
    `"attributes":${attributes(s.attributes)},"droppedAttributesCount":0,"events":[${events}],"droppedEventsCount":0,` +
    `"status":${status},"links":[],"droppedLinksCount":0,"flags":${FLAGS}}`
  );
}

const resourceJson = new Map<string, string>();

/** The `resource` object of a service, encoded once. */
function resource(serviceName: string): string {
  let r = resourceJson.get(serviceName);
  if (r === undefined) {
    r = `{"attributes":${attributes(resourceFor(serviceName).attributes as Record<string, AttributeValue>)},"droppedAttributesCount":0}`;
    resourceJson.set(serviceName, r);
  }
  return r;
}

/** One ExportTraceServiceRequest holding `spans` in their order, grouped by resource (`service.name`) in order of first appearance. */
export function encodeTraceRequest(spans: readonly KspanSpan[]): string {
  const byService = new Map<string, string[]>();
  for (const s of spans) {
    const encoded = span(s);
    const list = byService.get(s.serviceName);
    if (list === undefined) byService.set(s.serviceName, [encoded]);
    else list.push(encoded);
  }
  let out = '';
  for (const [service, list] of byService) {
    if (out !== '') out += ',';
    out += `{"resource":${resource(service)},"scopeSpans":[{"scope":${SCOPE},"spans":[${list.join(',')}]}]}`;
  }
  return `{"resourceSpans":[${out}]}`;
}

/** Spans as one OTLP/JSON `ExportTraceServiceRequest` (what OTLP/HTTP JSON receivers accept), sorted by trace, start and span ID. */
export function toOtlpJson(spans: readonly KspanSpan[]): string {
  const sorted = spans
    .slice()
    .sort(
      (a, b) =>
        (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0) ||
        a.startUs - b.startUs ||
        (a.spanId < b.spanId ? -1 : 1),
    );
  return encodeTraceRequest(sorted);
}
