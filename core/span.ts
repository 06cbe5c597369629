/** Attribute values the core emits. */
export type AttributeValue = string | number | boolean;

/** A timestamped annotation inside a span (repetitions of an event appear as these). */
export interface KspanSpanEvent {
  readonly name: string;
  /** Microseconds since the Unix epoch. */
  readonly timeUs: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** A finished span as the core emits it: plain data, converted to OTel `ReadableSpan` at the edge. */
export interface KspanSpan {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** `Kind.Reason` for event spans, `Kind.Operation` for synthesized root spans. */
  readonly name: string;
  /** Microseconds since the Unix epoch. */
  readonly startUs: number;
  readonly endUs: number;
  /** Resource `service.name`: the reporting component (or the field manager for a root span). */
  readonly serviceName: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly events: readonly KspanSpanEvent[];
  readonly status: 'unset' | 'error';
  readonly statusMessage?: string;
  /**
   * The Event's `resourceVersion` as an integer (NaN when it is not one); absent on a synthesized root span. Not
   * exported: the driver's checkpoint uses it to tell the Events an earlier process had seen.
   */
  readonly revision?: number;
}
