import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer, type IExportTraceServiceResponse } from '@opentelemetry/otlp-transformer';
import type { AttributeValue, KspanSpan } from '../core/index.ts';
import { GrowingBuffer } from './growing-buffer.ts';
import { KspanReadableSpan } from './kspan-readable-span.ts';

type Scope = ReadableSpan['instrumentationScope'];
type Attributes = Readonly<Record<string, unknown>>;

/** Thrown inside the encoder when a value is outside what it writes itself; the SDK's serializer then does it all. */
class NotEncodable extends Error {}

const NOT_ENCODABLE = new NotEncodable('not encodable by kspan');
const hasOwn = (o: object, key: string): boolean => Object.hasOwn(o, key);
/** OTLP span flags: the context's trace flags (sampled) and "has is_remote" (0x100); kspan's parents are local. */
const SPAN_FLAGS = 0x101;
const STATUS_ERROR = 2;
const SPAN_KIND_INTERNAL = 1; // OTLP's SPAN_KIND_INTERNAL: the API's INTERNAL (0) plus one

/**
 * A protobuf writer: a growing buffer, nested messages written with a one-byte length reserved and moved along
 * when the length needs more.
 */
class ProtoWriter extends GrowingBuffer {
  /** Forgets what was written (a request that the SDK serializes after all). */
  reset(): void {
    this.pos = 0;
  }

  /** A tag (field number below 16) or any small varint. */
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  varint(v: number): void {
    this.reserve(10);
    const buf = this.buf;
    if (v <= 0xffffffff) {
      let u = v >>> 0;
      while (u > 0x7f) {
        buf[this.pos++] = (u & 0x7f) | 0x80;
        u >>>= 7;
      }
      buf[this.pos++] = u;
      return;
    }
    let low = v >>> 0;
    let high = Math.floor(v / 0x100000000) >>> 0;
    while (high > 0 || low > 0x7f) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low;
  }

  fixed32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Microseconds since the epoch as fixed64 nanoseconds (exact: the product is split in 32-bit halves). */
  nanosOfMicros(us: number): void {
    if (!Number.isInteger(us) || us < 0 || us > Number.MAX_SAFE_INTEGER) throw NOT_ENCODABLE;
    this.reserve(8);
    const lowUs = us % 0x100000000;
    const lowNs = lowUs * 1000;
    const carry = Math.floor(lowNs / 0x100000000);
    this.buf.writeUInt32LE(lowNs % 0x100000000, this.pos);
    this.buf.writeUInt32LE((((us - lowUs) / 0x100000000) * 1000 + carry) >>> 0, this.pos + 4);
    this.pos += 8;
  }

  double(v: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** A length-delimited UTF-8 string (lone surrogates become U+FFFD, as with TextEncoder). */
  string(s: string): void {
    const n = s.length;
    if (n < 43) {
      // At most 3 bytes a UTF-16 unit: the length fits in one byte.
      this.reserve(1 + 3 * n);
      const buf = this.buf;
      const at = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[at + i] = c;
      }
      const written = i === n ? n : buf.write(s, at, 'utf8');
      buf[this.pos] = written;
      this.pos = at + written;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.reserve(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Hex digits as `bytes` bytes (trace and span IDs). */
  hexBytes(hex: string, bytes: number): void {
    if (hex.length !== 2 * bytes) throw NOT_ENCODABLE;
    this.reserve(1 + bytes);
    this.buf[this.pos++] = bytes;
    if (this.buf.write(hex, this.pos, 'hex') !== bytes) throw NOT_ENCODABLE;
    this.pos += bytes;
  }

  /** Opens a nested message (its tag already written); returns where its length goes. */
  begin(): number {
    this.reserve(1);
    return this.pos++;
  }

  /** Closes the message opened at `at`, writing its length there. */
  end(at: number): void {
    const length = this.pos - at - 1;
    let size = 1;
    for (let v = length >>> 7; v > 0; v >>>= 7) size++;
    if (size > 1) {
      this.reserve(size - 1);
      this.buf.copyWithin(at + size, at + 1, this.pos);
      this.pos += size - 1;
    }
    let v = length;
    let p = at;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
  }
}

/** Tag byte of field `field` with wire type `wire` (fields below 16). */
function tag(field: number, wire: number): number {
  return (field << 3) | wire;
}

function writeAnyValue(w: ProtoWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.byte(tag(1, 2));
      w.string(value);
      return;
    case 'boolean':
      w.byte(tag(2, 0));
      w.byte(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value)) {
        // Negative and beyond-safe integers take the SDK's path (two's complement, rounding).
        if (value < 0 || value > Number.MAX_SAFE_INTEGER) throw NOT_ENCODABLE;
        w.byte(tag(3, 0));
        w.varint(value);
      } else {
        w.byte(tag(4, 1));
        w.double(value);
      }
      return;
    default:
      throw NOT_ENCODABLE;
  }
}

function writeKeyValue(w: ProtoWriter, field: number, key: string, value: unknown): void {
  w.byte(tag(field, 2));
  const kv = w.begin();
  w.byte(tag(1, 2));
  w.string(key);
  w.byte(tag(2, 2));
  const any = w.begin();
  writeAnyValue(w, value);
  w.end(any);
  w.end(kv);
}

function writeAttributes(w: ProtoWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) if (hasOwn(attributes, key)) writeKeyValue(w, field, key, attributes[key]);
}

/** A Span message, as the SDK's serializer writes the `ReadableSpan` that `KspanReadableSpan` shows. */
function writeSpan(w: ProtoWriter, span: KspanSpan): void {
  const at = w.begin();
  w.byte(tag(1, 2));
  w.hexBytes(span.traceId, 16);
  w.byte(tag(2, 2));
  w.hexBytes(span.spanId, 8);
  if (span.parentSpanId !== undefined && span.parentSpanId !== '') {
    w.byte(tag(4, 2));
    w.hexBytes(span.parentSpanId, 8);
  }
  w.byte(tag(5, 2));
  w.string(span.name);
  w.byte(tag(6, 0));
  w.byte(SPAN_KIND_INTERNAL);
  w.byte(tag(7, 1));
  w.nanosOfMicros(span.startUs);
  w.byte(tag(8, 1));
  w.nanosOfMicros(span.endUs);
  // The attributes, then kspan.component (in its place when the span has one: an object spread keeps it there).
  const attributes: Readonly<Record<string, AttributeValue>> = span.attributes;
  let component = false;
  for (const key in attributes) {
    if (!hasOwn(attributes, key)) continue;
    if (key === 'kspan.component') {
      component = true;
      writeKeyValue(w, 9, key, span.serviceName);
    } else writeKeyValue(w, 9, key, attributes[key]);
  }
  if (!component) writeKeyValue(w, 9, 'kspan.component', span.serviceName);
  w.byte(tag(10, 0));
  w.byte(0);
  for (const e of span.events) {
    w.byte(tag(11, 2));
    const ev = w.begin();
    w.byte(tag(1, 1));
    w.nanosOfMicros(e.timeUs);
    w.byte(tag(2, 2));
    w.string(e.name);
    writeAttributes(w, 3, e.attributes);
    w.byte(tag(4, 0));
    w.byte(0);
    w.end(ev);
  }
  w.byte(tag(12, 0));
  w.byte(0);
  w.byte(tag(14, 0));
  w.byte(0);
  w.byte(tag(15, 2));
  const status = w.begin();
  if (span.status === 'error' && span.statusMessage !== undefined && span.statusMessage !== '') {
    w.byte(tag(2, 2));
    w.string(span.statusMessage);
  }
  w.byte(tag(3, 0));
  w.byte(span.status === 'error' ? STATUS_ERROR : 0);
  w.end(status);
  // flags: field 16, wire type 5 (two bytes of tag)
  w.byte(0x85);
  w.byte(0x01);
  w.fixed32(SPAN_FLAGS);
  w.end(at);
}

function writeScope(w: ProtoWriter, scope: Scope): void {
  w.byte(tag(1, 2));
  const at = w.begin();
  w.byte(tag(1, 2));
  w.string(scope.name);
  if (scope.version) {
    w.byte(tag(2, 2));
    w.string(scope.version);
  }
  const extra = scope as { attributes?: Attributes; droppedAttributesCount?: number };
  if (extra.attributes) writeAttributes(w, 3, extra.attributes);
  if (extra.droppedAttributesCount) {
    w.byte(tag(4, 0));
    w.varint(extra.droppedAttributesCount);
  }
  w.end(at);
}

function writeResourceSpans(w: ProtoWriter, resource: Resource, scopes: Map<Scope, KspanSpan[]>): void {
  w.byte(tag(1, 2));
  const at = w.begin();
  w.byte(tag(1, 2));
  const r = w.begin();
  writeAttributes(w, 1, resource.attributes);
  w.byte(tag(2, 0));
  w.byte(0);
  w.end(r);
  for (const [scope, spans] of scopes) {
    w.byte(tag(2, 2));
    const ss = w.begin();
    writeScope(w, scope);
    for (const span of spans) {
      w.byte(tag(2, 2));
      writeSpan(w, span);
    }
    if (scope.schemaUrl) {
      w.byte(tag(3, 2));
      w.string(scope.schemaUrl);
    }
    w.end(ss);
  }
  if (resource.schemaUrl) {
    w.byte(tag(3, 2));
    w.string(resource.schemaUrl);
  }
  w.end(at);
}

const writer = new ProtoWriter();

/**
 * An ExportTraceServiceRequest of `spans`, byte for byte what the SDK's `ProtobufTraceSerializer` writes (spans
 * grouped by resource and scope, in first-seen order). Spans that `KspanReadableSpan` wraps are written from
 * the core span directly, without the SDK's per-span objects, hex conversions and size-estimating first pass
 * (about 17 % of a shutdown's CPU went there); any other span, or a value outside what is written here (a
 * negative integer attribute, a fractional microsecond), makes the SDK serialize the whole request.
 */
export function encodeTraceRequest(spans: readonly ReadableSpan[]): Uint8Array {
  const byResource = new Map<Resource, Map<Scope, KspanSpan[]>>();
  for (const span of spans) {
    if (!(span instanceof KspanReadableSpan)) return sdkRequest(spans);
    let scopes = byResource.get(span.resource);
    if (scopes === undefined) byResource.set(span.resource, (scopes = new Map<Scope, KspanSpan[]>()));
    const list = scopes.get(span.instrumentationScope);
    if (list === undefined) scopes.set(span.instrumentationScope, [span.source]);
    else list.push(span.source);
  }
  writer.reset();
  try {
    for (const [resource, scopes] of byResource) writeResourceSpans(writer, resource, scopes);
  } catch (err) {
    if (err === NOT_ENCODABLE) return sdkRequest(spans);
    throw err;
  }
  return writer.take();
}

function sdkRequest(spans: readonly ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]) ?? new Uint8Array(0);
}

/** The protobuf serializer kspan's gRPC and HTTP/protobuf exporters use: `encodeTraceRequest`, the SDK's response parsing. */
export const KSPAN_PROTOBUF_SERIALIZER = {
  serializeRequest: (spans: ReadableSpan[]): Uint8Array => encodeTraceRequest(spans),
  deserializeResponse: (data: Uint8Array): IExportTraceServiceResponse =>
    ProtobufTraceSerializer.deserializeResponse(data),
};
