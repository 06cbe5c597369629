import type { SpanSink } from '../core/span-sink.ts';
import type { KspanSpan } from '../core/span.ts';
import type { DriverMetrics } from './driver-metrics.ts';
import type { Logger } from './logger.ts';

/** Passes spans on only while `isOpen()` (this replica leads); counts both outcomes. Never throws. */
export class GatedSpanSink implements SpanSink {
  private readonly isOpen: () => boolean;
  private readonly forward: (span: KspanSpan) => void;
  private readonly metrics: DriverMetrics;
  private readonly logger: Logger;

  constructor(options: {
    isOpen: () => boolean;
    forward: (span: KspanSpan) => void;
    metrics: DriverMetrics;
    logger: Logger;
  }) {
    this.isOpen = options.isOpen;
    this.forward = options.forward;
    this.metrics = options.metrics;
    this.logger = options.logger;
  }

  emit(span: KspanSpan): void {
    try {
      if (!this.isOpen()) {
        this.metrics.spansSuppressed.inc();
        return;
      }
      this.metrics.spansEmitted.inc();
      this.forward(span);
    } catch (err) {
      this.logger.error('could not hand a span to the exporter', { span: span.name, error: (err as Error).message });
    }
  }
}
