import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];

/** Wraps an exporter and fails every export while `down` is true (tests: an OTLP endpoint that goes away). */
export class FlakyExporter implements SpanExporter {
  down = false;
  attempts = 0;
  private readonly inner: SpanExporter;

  constructor(inner: SpanExporter) {
    this.inner = inner;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.attempts++;
    if (this.down) {
      resultCallback({ code: 1, error: new Error('14 UNAVAILABLE: No connection established') });
      return;
    }
    this.inner.export(spans, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
