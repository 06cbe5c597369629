/** gRPC status codes an OTLP exporter may not retry: the request itself is wrong, sending it again cannot help. */
const PERMANENT_CODES = new Set([3 /* INVALID_ARGUMENT */]);

/** What a failed export says about retrying it. */
export interface RetryAdvice {
  /** False when the collector refused the data for good (the batch is dropped, counted as `rejected`). */
  readonly retryable: boolean;
  /** The delay the server asked for (`google.rpc.RetryInfo` in the gRPC status details), if any. */
  readonly retryAfterMs?: number;
}

/**
 * Reads an export error the OTLP/gRPC exporter hands back (a grpc-js `ServiceError`: `code`, `metadata`). The
 * OTLP spec says a throttling collector sends `RetryInfo` in `grpc-status-details-bin`
 * (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc-throttling); every code but INVALID_ARGUMENT is retried,
 * so a collector that is down, overloaded or misconfigured for a while is never given up on.
 */
export function retryAdviceOf(error: unknown): RetryAdvice {
  const e = error as { code?: unknown; metadata?: { get?: (key: string) => unknown[] } } | undefined;
  const code = typeof e?.code === 'number' ? e.code : undefined;
  if (code !== undefined && PERMANENT_CODES.has(code)) return { retryable: false };
  let retryAfterMs: number | undefined;
  try {
    const details = e?.metadata?.get?.('grpc-status-details-bin')?.[0];
    if (details instanceof Uint8Array) retryAfterMs = retryDelayOfStatus(details);
  } catch {
    retryAfterMs = undefined; // unreadable details: fall back to our own backoff
  }
  return retryAfterMs === undefined ? { retryable: true } : { retryable: true, retryAfterMs };
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** The `retry_delay` of the first `RetryInfo` in a serialized `google.rpc.Status`, in ms. */
export function retryDelayOfStatus(status: Uint8Array): number | undefined {
  for (const [field, value] of fields(status)) {
    if (field !== 3 || !(value instanceof Uint8Array)) continue; // repeated google.protobuf.Any details = 3
    let typeUrl = '';
    let payload: Uint8Array | undefined;
    for (const [f, v] of fields(value)) {
      if (f === 1 && v instanceof Uint8Array) typeUrl = new TextDecoder().decode(v);
      if (f === 2 && v instanceof Uint8Array) payload = v;
    }
    if (typeUrl !== RETRY_INFO_TYPE || payload === undefined) continue;
    for (const [f, v] of fields(payload)) {
      if (f !== 1 || !(v instanceof Uint8Array)) continue; // google.protobuf.Duration retry_delay = 1
      let seconds = 0;
      let nanos = 0;
      for (const [df, dv] of fields(v)) {
        if (df === 1 && typeof dv === 'number') seconds = dv;
        if (df === 2 && typeof dv === 'number') nanos = dv;
      }
      return Math.max(0, Math.round(seconds * 1000 + nanos / 1e6));
    }
  }
  return undefined;
}

/** The fields of a protobuf message: varints as numbers, length-delimited fields as bytes; stops at anything else. */
function* fields(buf: Uint8Array): Generator<[number, number | Uint8Array]> {
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const byte = buf[i++] as number;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) yield [field, varint()];
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new Error('truncated field');
      yield [field, buf.subarray(i, i + len)];
      i += len;
    } else return;
  }
}
