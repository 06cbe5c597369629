import type { AttributeValue, KspanSpan } from '../core/index.ts';
import { terminalSafe } from '../common/terminal-safe.ts';
import { JsonBytes } from './json-bytes.ts';
import { KSPAN_SCOPE, PLAIN_RESOURCES, type SpanResources } from './span-resources.ts';

// The OTLP/JSON encoding of ExportTraceServiceRequest (opentelemetry-proto, JSON mapping): hex IDs, times as
// decimal strings of nanoseconds, enums as numbers. Written straight from the core's spans, field for field
// in the order @opentelemetry/otlp-transformer's JsonTraceSerializer writes them (otlp-json.test.ts holds
// the two to the same bytes), without building ReadableSpans and request objects first. Every string is
// also terminal-safe (a control or bidi character becomes its \uXXXX escape, which JSON reads the same).

const SCOPE = `{"name":${JSON.stringify(KSPAN_SCOPE.name)},"version":${JSON.stringify(KSPAN_SCOPE.version)}}`;
/** What follows a resource: its one scope, and the opening of its spans. */
const SCOPE_SPANS = `,"scopeSpans":[{"scope":${SCOPE},"spans":[`;
/** Span flags: W3C sampled, and "is_remote is known" (false) as the SDK sets for local parents. */
const FLAGS_TEXT = String(0x101);
/** A span's last fields. */
const LINKS_AND_FLAGS = `,"links":[],"droppedLinksCount":0,"flags":${FLAGS_TEXT}}`;

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

/** Where the request being encoded goes: one buffer, reused (encoding is synchronous). */
let out = new JsonBytes();

function anyValue(v: AttributeValue): void {
  switch (typeof v) {
    case 'string':
      if (NEEDS_ESCAPE.test(v)) out.raw(`{"stringValue":${terminalSafe(JSON.stringify(v))}}}`);
      else {
        out.raw('{"stringValue":"');
        out.raw(v);
        out.raw('"}}');
      }
      return;
    case 'number':
      out.raw(Number.isInteger(v) ? `{"intValue":${v}}}` : `{"doubleValue":${JSON.stringify(v)}}}`);
      return;
    default:
      out.raw(v ? '{"boolValue":true}}' : '{"boolValue":false}}');
  }
}

/** Writes `[{"key":…,"value":{…}},…]` (each value closes its attribute's brace). */
function attributes(attrs: Readonly<Record<string, AttributeValue>>, component?: string): void {
  let first = true;
  out.raw('[');
  for (const key in attrs) {
    out.raw(keyPrefix(key, first));
    first = false;
    anyValue(attrs[key] as AttributeValue);
  }
  // A span's component, last, as toReadableSpan adds it (it survives a user-set service.name).
  if (component !== undefined) {
    out.raw(keyPrefix('kspan.component', first));
    anyValue(component);
  }
  out.raw(']');
}

function attributesText(attrs: Readonly<Record<string, AttributeValue>>): string {
  const outer = out;
  out = new JsonBytes(1024);
  attributes(attrs);
  const text = out.takeText();
  out = outer;
  return text;
}

function span(s: KspanSpan): void {
  out.raw('{"traceId":"');
  out.raw(s.traceId);
  out.raw('","spanId":"');
  out.raw(s.spanId);
  if (s.parentSpanId !== undefined && s.parentSpanId !== '') {
    out.raw('","parentSpanId":"');
    out.raw(s.parentSpanId);
  }
  out.raw('","name":');
  out.raw(str(s.name));
  out.raw(',"kind":1,"startTimeUnixNano":');
  out.raw(nanos(s.startUs));
  out.raw(',"endTimeUnixNano":');
  out.raw(nanos(s.endUs));
  out.raw(',"attributes":');
  attributes(s.attributes, s.serviceName);
  out.raw(',"droppedAttributesCount":0,"events":[');
  let firstEvent = true;
  for (const e of s.events) {
    out.raw(firstEvent ? '{"attributes":' : ',{"attributes":');
    firstEvent = false;
    attributes(e.attributes);
    out.raw(',"name":');
    out.raw(str(e.name));
    out.raw(',"timeUnixNano":');
    out.raw(nanos(e.timeUs));
    out.raw(',"droppedAttributesCount":0}');
  }
  out.raw('],"droppedEventsCount":0,"status":');
  if (s.status !== 'error') out.raw('{"code":0}');
  else if (s.statusMessage === undefined) out.raw('{"code":2}');
  else {
    out.raw('{"code":2,"message":');
    out.raw(str(s.statusMessage));
    out.raw('}');
  }
  out.raw(LINKS_AND_FLAGS);
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

/** Writes the request into `out`, `\n` after it when `newline`. */
function request(spans: readonly KspanSpan[], resources: SpanResources, newline: boolean): void {
  // Grouped first, then each group encoded in turn: the bytes go out in one pass.
  const byService = new Map<string, KspanSpan[]>();
  for (const s of spans) {
    const list = byService.get(s.serviceName);
    if (list === undefined) byService.set(s.serviceName, [s]);
    else list.push(s);
  }
  out.raw('{"resourceSpans":[');
  let firstService = true;
  for (const [service, list] of byService) {
    out.raw(firstService ? '{"resource":' : ',{"resource":');
    firstService = false;
    out.raw(resource(service, resources));
    out.raw(SCOPE_SPANS);
    for (let i = 0; i < list.length; i++) {
      if (i > 0) out.raw(',');
      span(list[i] as KspanSpan);
    }
    out.raw(']}]}');
  }
  out.raw(newline ? ']}\n' : ']}');
}

/** One ExportTraceServiceRequest holding `spans` in their order, grouped by resource (`service.name`) in order of first appearance. */
export function encodeTraceRequest(spans: readonly KspanSpan[], resources: SpanResources = PLAIN_RESOURCES): string {
  request(spans, resources, false);
  return out.takeText();
}

/** encodeTraceRequest's text and a newline, as UTF-8 bytes: a line of OTLP JSON Lines. */
export function encodeTraceRequestLine(
  spans: readonly KspanSpan[],
  resources: SpanResources = PLAIN_RESOURCES,
): Buffer {
  request(spans, resources, true);
  return out.take();
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
