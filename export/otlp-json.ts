import type { AttributeValue, KspanSpan } from '../core/index.ts';
import { terminalSafe } from '../common/terminal-safe.ts';
import { KSPAN_SCOPE, PLAIN_RESOURCES, type SpanResources } from './span-resources.ts';

// The OTLP/JSON encoding of ExportTraceServiceRequest (opentelemetry-proto, JSON mapping): hex IDs, times as
// decimal strings of nanoseconds, enums as numbers. Written straight from the core's spans, field for field
// in the order @opentelemetry/otlp-transformer's JsonTraceSerializer writes them (otlp-json.test.ts holds
// the two to the same bytes), without building ReadableSpans and request objects first. Every string is
// also terminal-safe (a control or bidi character becomes its \uXXXX escape, which JSON reads the same).

const SCOPE = `{"name":${JSON.stringify(KSPAN_SCOPE.name)},"version":${JSON.stringify(KSPAN_SCOPE.version)}}`;
/** Span flags: W3C sampled, and "is_remote is known" (false) as the SDK sets for local parents. */
const FLAGS_TEXT = String(0x101);

function nanos(us: number): string {
  if (Number.isSafeInteger(us) && us > 0) return `"${us}000"`;
  const seconds = Math.floor(us / 1_000_000);
  return `"${BigInt(seconds) * 1_000_000_000n + BigInt(Math.round((us - seconds * 1_000_000) * 1000))}"`;
}

/**
 * What JSON.stringify would escape (quotes, backslashes, controls, surrogates that may be lone), and what a
 * terminal would act on (DEL, C1 controls, bidirectional overrides: see common/terminal-safe.ts). The
 * encoder's output is therefore safe to print as it is, and printing it needs no second pass over the text.
 */
const NEEDS_ESCAPE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  /["\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

/** A JSON string literal, safe to print; the common case (nothing to escape) without JSON.stringify's work. */
function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? terminalSafe(JSON.stringify(s)) : `"${s}"`;
}

/** `{"key":"…","value":` per attribute key, and the same behind a comma: the core uses a few dozen keys, encoded once each. */
const keyPrefixes = new Map<string, readonly [string, string]>();

function keyPrefix(key: string, first: boolean): string {
  let p = keyPrefixes.get(key);
  if (p === undefined) {
    const text = `{"key":${str(key)},"value":`;
    p = [text, `,${text}`];
    if (keyPrefixes.size < 4096) keyPrefixes.set(key, p);
  }
  return first ? p[0] : p[1];
}

/** Pieces of the span being encoded: joined once, instead of a rope of a hundred concatenations per span. */
const out: string[] = [];

function anyValue(v: AttributeValue): void {
  switch (typeof v) {
    case 'string':
      // The common case (nothing to escape) in three pieces, without a string built for the literal.
      if (NEEDS_ESCAPE.test(v)) out.push('{"stringValue":', terminalSafe(JSON.stringify(v)), '}}');
      else out.push('{"stringValue":"', v, '"}}');
      return;
    case 'number':
      out.push(Number.isInteger(v) ? `{"intValue":${v}}}` : `{"doubleValue":${JSON.stringify(v)}}}`);
      return;
    default:
      out.push(v ? '{"boolValue":true}}' : '{"boolValue":false}}');
  }
}

/** Pushes `[{"key":…,"value":{…}},…]` (each value closes its attribute's brace). */
function attributes(attrs: Readonly<Record<string, AttributeValue>>, component?: string): void {
  let first = true;
  out.push('[');
  for (const key in attrs) {
    out.push(keyPrefix(key, first));
    first = false;
    anyValue(attrs[key] as AttributeValue);
  }
  // A span's component, last, as toReadableSpan adds it (it survives a user-set service.name).
  if (component !== undefined) {
    out.push(keyPrefix('kspan.component', first));
    anyValue(component);
  }
  out.push(']');
}

function attributesText(attrs: Readonly<Record<string, AttributeValue>>): string {
  out.length = 0;
  attributes(attrs);
  return out.join('');
}

function span(s: KspanSpan): string {
  out.length = 0;
  out.push('{"traceId":"', s.traceId, '","spanId":"', s.spanId, '",');
  if (s.parentSpanId !== undefined && s.parentSpanId !== '') out.push('"parentSpanId":"', s.parentSpanId, '",');
  out.push(
    '"name":',
    str(s.name),
    ',"kind":1,"startTimeUnixNano":',
    nanos(s.startUs),
    ',"endTimeUnixNano":',
    nanos(s.endUs),
    ',"attributes":',
  );
  attributes(s.attributes, s.serviceName);
  out.push(',"droppedAttributesCount":0,"events":[');
  let firstEvent = true;
  for (const e of s.events) {
    out.push(firstEvent ? '{"attributes":' : ',{"attributes":');
    firstEvent = false;
    attributes(e.attributes);
    out.push(',"name":', str(e.name), ',"timeUnixNano":', nanos(e.timeUs), ',"droppedAttributesCount":0}');
  }
  out.push(
    '],"droppedEventsCount":0,"status":',
    s.status === 'error'
      ? s.statusMessage !== undefined
        ? `{"code":2,"message":${str(s.statusMessage)}}`
        : '{"code":2}'
      : '{"code":0}',
    ',"links":[],"droppedLinksCount":0,"flags":',
    FLAGS_TEXT,
    '}',
  );
  return out.join('');
}

const resourceJson = new WeakMap<SpanResources, Map<string, string>>();

/** The `resource` object of a service, encoded once per set of resources. */
function resource(serviceName: string, resources: SpanResources): string {
  let cache = resourceJson.get(resources);
  if (cache === undefined) resourceJson.set(resources, (cache = new Map<string, string>()));
  let r = cache.get(serviceName);
  if (r === undefined) {
    r = `{"attributes":${attributesText(resources.forComponent(serviceName).attributes)},"droppedAttributesCount":0}`;
    cache.set(serviceName, r);
  }
  return r;
}

/** One ExportTraceServiceRequest holding `spans` in their order, grouped by resource (`service.name`) in order of first appearance. */
export function encodeTraceRequest(spans: readonly KspanSpan[], resources: SpanResources = PLAIN_RESOURCES): string {
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
    out += `{"resource":${resource(service, resources)},"scopeSpans":[{"scope":${SCOPE},"spans":[${list.join(',')}]}]}`;
  }
  return `{"resourceSpans":[${out}]}`;
}

/** Spans as one OTLP/JSON `ExportTraceServiceRequest` (what OTLP/HTTP JSON receivers accept), sorted by trace, start and span ID. */
export function toOtlpJson(spans: readonly KspanSpan[], resources?: SpanResources): string {
  const sorted = spans
    .slice()
    .sort(
      (a, b) =>
        (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0) ||
        a.startUs - b.startUs ||
        (a.spanId < b.spanId ? -1 : 1),
    );
  return encodeTraceRequest(sorted, resources);
}
