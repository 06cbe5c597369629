import type { AttributeValue, KspanSpan } from '../core/index.ts';
import { JsonBytes } from './json-bytes.ts';
import { jsonContent } from './json-content.ts';
import { KSPAN_SCOPE, PLAIN_RESOURCES, type SpanResources } from './span-resources.ts';

// The OTLP/JSON encoding of ExportTraceServiceRequest (opentelemetry-proto, JSON mapping): hex IDs, times as
// decimal strings of nanoseconds, enums as numbers. Written straight from the core's spans, field for field
// in the order @opentelemetry/otlp-transformer's JsonTraceSerializer writes them (otlp-json.test.ts holds
// the two to the same bytes), without building ReadableSpans and request objects first. Every string is
// also terminal-safe (a control or bidi character becomes its \uXXXX escape, which JSON reads the same).
//
// A span is one text, concatenated from its pieces and written once: a native write per piece (about 40 a span)
// cost more than the concatenation. The fixed text between two values is one piece, cached per attribute key.

const SCOPE = `{"name":"${jsonContent(KSPAN_SCOPE.name)}","version":"${jsonContent(KSPAN_SCOPE.version)}"}`;
/** What follows a resource: its one scope, and the opening of its spans. */
const SCOPE_SPANS = `,"scopeSpans":[{"scope":${SCOPE},"spans":[`;
/** Span flags: W3C sampled, and "is_remote is known" (false) as the SDK sets for local parents. */
const FLAGS_TEXT = String(0x101);
/** A span's last fields, after its events. */
const LINKS_AND_FLAGS = `,"links":[],"droppedLinksCount":0,"flags":${FLAGS_TEXT}}`;
/** What follows the attributes of a span without events and with status unset (most spans). */
const PLAIN_TAIL = `,"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,"status":{"code":0}${LINKS_AND_FLAGS}`;

/** A time as the decimal string of its nanoseconds, quotes included. */
function nanos(us: number): string {
  if (Number.isSafeInteger(us) && us > 0) return `"${us}000"`;
  const seconds = Math.floor(us / 1_000_000);
  return `"${BigInt(seconds) * 1_000_000_000n + BigInt(Math.round((us - seconds * 1_000_000) * 1000))}"`;
}

/**
 * The text that opens an attribute of one key, `{"key":"…","value":`, and `{"stringValue":"` after it when a string
 * follows; behind nothing (the first attribute), a comma, or the previous string value's closing `"}}` and a comma.
 */
interface KeyPieces {
  readonly first: string;
  readonly next: string;
  readonly afterString: string;
  readonly firstString: string;
  readonly nextString: string;
  readonly afterStringString: string;
}

const keyPieces = new Map<string, KeyPieces>();

function piecesOf(key: string): KeyPieces {
  let p = keyPieces.get(key);
  if (p === undefined) {
    const text = `{"key":"${jsonContent(key)}","value":`;
    const str = `${text}{"stringValue":"`;
    p = {
      first: text,
      next: `,${text}`,
      afterString: `"}},${text}`,
      firstString: str,
      nextString: `,${str}`,
      afterStringString: `"}},${str}`,
    };
    // The core uses a few dozen keys; a bound for attributes from elsewhere.
    if (keyPieces.size < 4096) keyPieces.set(key, p);
  }
  return p;
}

/** What came before an attribute: nothing, a value that closed itself, or a string value still to close with `"}}`. */
type Before = 0 | 1 | 2;
const NOTHING = 0;
const VALUE = 1;
const STRING = 2;

/** `key`'s opening (closing what came before) and its value. */
function attribute(key: string, v: AttributeValue, before: Before): string {
  const p = piecesOf(key);
  if (typeof v === 'string')
    return (
      (before === NOTHING ? p.firstString : before === VALUE ? p.nextString : p.afterStringString) + jsonContent(v)
    );
  return (
    (before === NOTHING ? p.first : before === VALUE ? p.next : p.afterString) +
    (typeof v === 'number'
      ? Number.isInteger(v)
        ? `{"intValue":${v}}}`
        : `{"doubleValue":${JSON.stringify(v)}}}`
      : v
        ? '{"boolValue":true}}'
        : '{"boolValue":false}}')
  );
}

/** `[{"key":…,"value":{…}},…]` and `tail`. */
function attributes(attrs: Readonly<Record<string, AttributeValue>>, tail: string, component?: string): string {
  let before: Before = NOTHING;
  let text = '[';
  for (const key in attrs) {
    const v = attrs[key] as AttributeValue;
    text += attribute(key, v, before);
    before = typeof v === 'string' ? STRING : VALUE;
  }
  // A span's component, last, as toReadableSpan adds it (it survives a user-set service.name).
  if (component !== undefined) {
    text += attribute('kspan.component', component, before);
    before = STRING;
  }
  return text + (before === STRING ? `"}}]${tail}` : `]${tail}`);
}

/** Writes a span's JSON. */
function span(out: JsonBytes, s: KspanSpan): void {
  let text =
    (s.parentSpanId !== undefined && s.parentSpanId !== ''
      ? `{"traceId":"${s.traceId}","spanId":"${s.spanId}","parentSpanId":"${s.parentSpanId}","name":"`
      : `{"traceId":"${s.traceId}","spanId":"${s.spanId}","name":"`) +
    jsonContent(s.name) +
    `","kind":1,"startTimeUnixNano":${nanos(s.startUs)},"endTimeUnixNano":${nanos(s.endUs)},"attributes":`;
  if (s.events.length === 0 && s.status !== 'error') {
    text += attributes(s.attributes, PLAIN_TAIL, s.serviceName);
  } else {
    text += attributes(s.attributes, ',"droppedAttributesCount":0,"events":[', s.serviceName);
    let firstEvent = true;
    for (const e of s.events) {
      text += firstEvent ? '{"attributes":' : ',{"attributes":';
      firstEvent = false;
      text += attributes(e.attributes, ',"name":"');
      text += `${jsonContent(e.name)}","timeUnixNano":${nanos(e.timeUs)},"droppedAttributesCount":0}`;
    }
    text += '],"droppedEventsCount":0,"status":';
    if (s.status !== 'error') text += '{"code":0}';
    else if (s.statusMessage === undefined) text += '{"code":2}';
    else text += `{"code":2,"message":"${jsonContent(s.statusMessage)}"}`;
    text += LINKS_AND_FLAGS;
  }
  out.write(text);
}

const resourceJson = new WeakMap<SpanResources, Map<string, string>>();

/** A service's `{"resource":{…}` and the opening of its spans, encoded once per set of resources. */
function resourceOpening(serviceName: string, resources: SpanResources): string {
  let cache = resourceJson.get(resources);
  if (cache === undefined) resourceJson.set(resources, (cache = new Map<string, string>()));
  let r = cache.get(serviceName);
  if (r === undefined) {
    const attrs = attributes(resources.forComponent(serviceName).attributes, ',"droppedAttributesCount":0}');
    r = `{"resource":{"attributes":${attrs}${SCOPE_SPANS}`;
    cache.set(serviceName, r);
  }
  return r;
}

/** Writes one request into `out`, `\n` after it when `newline` (a line of OTLP JSON Lines). */
export function writeTraceRequest(
  out: JsonBytes,
  spans: readonly KspanSpan[],
  resources: SpanResources = PLAIN_RESOURCES,
  newline = false,
): void {
  // Grouped first, then each group encoded in turn: the bytes go out in one pass.
  const byService = new Map<string, KspanSpan[]>();
  for (const s of spans) {
    const list = byService.get(s.serviceName);
    if (list === undefined) byService.set(s.serviceName, [s]);
    else list.push(s);
  }
  let text = '{"resourceSpans":[';
  for (const [service, list] of byService) {
    out.write(text + resourceOpening(service, resources));
    for (let i = 0; i < list.length; i++) {
      if (i > 0) out.write(',');
      span(out, list[i] as KspanSpan);
    }
    text = ']}]},';
  }
  out.write((byService.size === 0 ? '{"resourceSpans":[]}' : ']}]}]}') + (newline ? '\n' : ''));
}

/** What `write` writes, as text. */
function textOf(write: (out: JsonBytes) => void): string {
  const chunks: Buffer[] = [];
  const out = new JsonBytes((bytes) => chunks.push(bytes));
  write(out);
  out.flush();
  return Buffer.concat(chunks).toString('utf8');
}

/** One ExportTraceServiceRequest holding `spans` in their order, grouped by resource (`service.name`) in order of first appearance. */
export function encodeTraceRequest(spans: readonly KspanSpan[], resources: SpanResources = PLAIN_RESOURCES): string {
  return textOf((out) => writeTraceRequest(out, spans, resources));
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
