import type { KspanSpan, SpanSink } from '../core/index.ts';
import { encodeTraceRequestLine } from './otlp-json.ts';
import { PLAIN_RESOURCES, type SpanResources } from './span-resources.ts';

/** Spans per line, at least; a trace is never split across lines. */
const LINE_SPANS = 512;

/**
 * OTLP JSON Lines: one `ExportTraceServiceRequest` a line, as the OpenTelemetry Collector's file exporter
 * writes and its `otlpjsonfile` receiver reads. Spans are written as they are emitted, a line once it holds
 * at least 512 spans and the next span belongs to another trace; memory holds one line at most.
 */
export class OtlpJsonLines implements SpanSink {
  private batch: KspanSpan[] = [];
  private readonly write: (line: Buffer) => void;
  private readonly resources: SpanResources;

  /**
   * `write` takes each line as UTF-8 bytes (its own copy); `resources`: each line's resource attributes (the cluster
   * name, OTEL_RESOURCE_ATTRIBUTES), as exports carry them.
   */
  constructor(write: (line: Buffer) => void, resources: SpanResources = PLAIN_RESOURCES) {
    this.write = write;
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
    this.write(encodeTraceRequestLine(this.batch, this.resources));
    this.batch = [];
  }
}
