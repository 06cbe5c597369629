import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { KspanSpan } from '../core/span.ts';
import type { SpanResources } from './span-resources.ts';
import { readableSpanWith, toReadableSpan } from './to-readable-span.ts';

/** Spans as the standard OTLP/JSON `ExportTraceServiceRequest` encoding (what OTLP/HTTP JSON receivers accept). */
export function toOtlpJson(spans: readonly KspanSpan[], resources?: SpanResources): string {
  const sorted = spans
    .slice()
    .sort(
      (a, b) =>
        (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0) ||
        a.startUs - b.startUs ||
        (a.spanId < b.spanId ? -1 : 1),
    );
  const bytes = JsonTraceSerializer.serializeRequest(
    sorted.map(resources === undefined ? toReadableSpan : readableSpanWith(resources)),
  );
  if (bytes === undefined) return '{"resourceSpans":[]}';
  return new TextDecoder().decode(bytes);
}
