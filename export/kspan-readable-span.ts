import { SpanKind, SpanStatusCode, TraceFlags, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { KspanSpan } from '../core/index.ts';

type InstrumentationScope = ReadableSpan['instrumentationScope'];

/** Microseconds since the epoch as the SDK's `[seconds, nanoseconds]`. */
export function hrTimeOf(us: number): HrTime {
  const seconds = Math.floor(us / 1_000_000);
  return [seconds, (us - seconds * 1_000_000) * 1000];
}

/**
 * A core span seen as the SDK's `ReadableSpan`, for any `SpanExporter`. Each field is built when first read and
 * kept: kspan's own protobuf encoding (export/otlp-protobuf-request.ts) reads `source` instead and builds none of
 * them, while an SDK exporter or serializer sees the same values a plain object would carry.
 */
export class KspanReadableSpan implements ReadableSpan {
  readonly source: KspanSpan;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly kind = SpanKind.INTERNAL;
  readonly links = [];
  readonly ended = true;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  private context: SpanContext | undefined;
  private parent: SpanContext | undefined;
  private attrs: ReadableSpan['attributes'] | undefined;
  private timedEvents: TimedEvent[] | undefined;

  constructor(source: KspanSpan, resource: Resource, scope: InstrumentationScope) {
    this.source = source;
    this.resource = resource;
    this.instrumentationScope = scope;
  }

  get name(): string {
    return this.source.name;
  }

  spanContext(): SpanContext {
    return (this.context ??= {
      traceId: this.source.traceId,
      spanId: this.source.spanId,
      traceFlags: TraceFlags.SAMPLED,
    });
  }

  get parentSpanContext(): SpanContext | undefined {
    const { parentSpanId, traceId } = this.source;
    if (parentSpanId === undefined) return undefined;
    return (this.parent ??= { traceId, spanId: parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: false });
  }

  get startTime(): HrTime {
    return hrTimeOf(this.source.startUs);
  }

  get endTime(): HrTime {
    return hrTimeOf(this.source.endUs);
  }

  get duration(): HrTime {
    return hrTimeOf(this.source.endUs - this.source.startUs);
  }

  get status(): ReadableSpan['status'] {
    const { status, statusMessage } = this.source;
    return status === 'error'
      ? { code: SpanStatusCode.ERROR, ...(statusMessage !== undefined ? { message: statusMessage } : {}) }
      : { code: SpanStatusCode.UNSET };
  }

  /** The span's attributes and, last, `kspan.component`: it stays on the span when a user-set service.name replaces it on the resource. */
  get attributes(): ReadableSpan['attributes'] {
    return (this.attrs ??= { ...this.source.attributes, 'kspan.component': this.source.serviceName });
  }

  get events(): TimedEvent[] {
    return (this.timedEvents ??= this.source.events.map((e) => ({
      name: e.name,
      time: hrTimeOf(e.timeUs),
      attributes: { ...e.attributes },
    })));
  }
}
