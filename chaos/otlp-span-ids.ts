/** One span of an OTLP export request, as far as the chaos suite reads it. */
export interface ReceivedSpanId {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * Reads the trace and span IDs out of an `ExportTraceServiceRequest` (protobuf wire format):
 * `resource_spans` (1) → `scope_spans` (2) → `spans` (2) → `trace_id` (1), `span_id` (2). Other fields are skipped.
 * Throws on a truncated or malformed message.
 */
export function spanIdsOfExportRequest(bytes: Uint8Array): ReceivedSpanId[] {
  const out: ReceivedSpanId[] = [];
  for (const rs of fieldsOf(bytes, 1)) {
    for (const ss of fieldsOf(rs, 2)) {
      for (const span of fieldsOf(ss, 2)) {
        let traceId = '';
        let spanId = '';
        for (const f of walk(span)) {
          if (f.field === 1 && f.value !== undefined) traceId = Buffer.from(f.value).toString('hex');
          if (f.field === 2 && f.value !== undefined) spanId = Buffer.from(f.value).toString('hex');
        }
        out.push({ traceId, spanId });
      }
    }
  }
  return out;
}

/** The length-delimited values of one field number. */
function fieldsOf(bytes: Uint8Array, field: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of walk(bytes)) if (f.field === field && f.value !== undefined) out.push(f.value);
  return out;
}

function* walk(bytes: Uint8Array): Generator<{ field: number; value?: Uint8Array }> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new Error('truncated varint');
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      if (pos + len > bytes.length) throw new Error('truncated field');
      yield { field, value: bytes.subarray(pos, pos + len) };
      pos += len;
      continue;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (pos > bytes.length) throw new Error('truncated field');
    yield { field };
  }
}
