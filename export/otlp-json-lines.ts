import type { KspanSpan, SpanSink } from '../core/index.ts';
import { JsonBytes } from './json-bytes.ts';
import { writeTraceRequest } from './otlp-json.ts';
import { PLAIN_RESOURCES, type SpanResources } from './span-resources.ts';

/** Spans per line, at least; a trace is never split across lines. */
const LINE_SPANS = 512;

/**
 * OTLP JSON Lines: one `ExportTraceServiceRequest` a line, as the OpenTelemetry Collector's file exporter
 * writes and its `otlpjsonfile` receiver reads. Spans are written as they are emitted, a line once it holds
 * at least 512 spans and the next span belongs to another trace; memory holds one line's spans at most.
 */
export class OtlpJsonLines implements SpanSink {
  private batch: KspanSpan[] = [];
  private readonly out: JsonBytes;
  private readonly resources: SpanResources;

  /**
   * `write` takes the output as UTF-8 bytes, in chunks of up to 64 KiB that are its to keep (a line may span
   * several; each line's last chunk ends with its newline); `resources`: each line's resource attributes (the
   * cluster name, OTEL_RESOURCE_ATTRIBUTES), as exports carry them.
   */
  constructor(write: (bytes: Buffer) => void, resources: SpanResources = PLAIN_RESOURCES) {
    this.out = new JsonBytes(write);
    this.resources = resources;
  }

  /** Receives one span; writes the line in hand first when it is full and a new trace begins. */
  emit(span: KspanSpan): void {
    const last = this.batch[this.batch.length - 1];
    if (this.batch.length >= LINE_SPANS && last !== undefined && last.traceId !== span.traceId) this.flush();
    this.batch.push(span);
  }

  /** Writes the spans in hand as one line. */
  flush(): void {
    if (this.batch.length === 0) return;
    writeTraceRequest(this.out, this.batch, this.resources, true);
    this.out.flush();
    this.batch = [];
  }
}
