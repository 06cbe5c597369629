import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Backoff } from './backoff.ts';
import { sleep, type Clock } from './clock.ts';
import type { DriverMetrics } from './driver-metrics.ts';
import type { Logger } from './logger.ts';

/** Options of `SpanExportQueue`. */
export interface SpanExportQueueOptions {
  readonly exporter: SpanExporter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: DriverMetrics;
  /** Spans held at most (waiting and in flight); more are dropped, counted and logged. */
  readonly maxQueueSize?: number;
  readonly maxBatchSize?: number;
  /** How long spans wait for a batch to fill. */
  readonly scheduledDelayMs?: number;
  /** An export that has not answered by then counts as failed (and is retried). */
  readonly exportTimeoutMs?: number;
  /** Backoff between failed attempts. */
  readonly backoff?: Backoff;
}

const SUCCESS: number = 0; // ExportResultCode.SUCCESS from @opentelemetry/core

/**
 * A bounded queue in front of a `SpanExporter`, like `BatchSpanProcessor`, except that a failed batch is
 * kept at the head of the queue and retried with backoff until it is accepted, so a collector that is down
 * for a while loses nothing until the queue is full. Overflow is counted (`kspan_export_dropped_spans_total`)
 * and logged, never silent. Never throws.
 */
export class SpanExportQueue {
  private readonly options: SpanExportQueueOptions;
  private readonly queue: ReadableSpan[] = [];
  private readonly backoff: Backoff;
  private readonly maxQueueSize: number;
  private readonly maxBatchSize: number;
  private inFlight: Promise<boolean> | undefined;
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  private retryUntil = 0;
  private closed = false;
  private droppedSinceLog = 0;
  private lastDropLog = -Infinity;
  private failingSince: number | undefined;

  constructor(options: SpanExportQueueOptions) {
    this.options = options;
    this.backoff = options.backoff ?? new Backoff({ initialMs: 1000, maxMs: 30_000 });
    this.maxQueueSize = options.maxQueueSize ?? 8192;
    this.maxBatchSize = options.maxBatchSize ?? 512;
  }

  /** Spans waiting or in flight. */
  get size(): number {
    return this.queue.length;
  }

  /** Queues a span for export; drops it (counted, logged) when the queue is full or shut down. */
  enqueue(span: ReadableSpan): void {
    if (this.closed) return this.drop(1, 'shutdown');
    if (this.queue.length >= this.maxQueueSize) return this.drop(1, 'queue-full');
    this.queue.push(span);
    this.options.metrics.exportQueueSize.set(this.queue.length);
    const { clock } = this.options;
    if (clock.now() < this.retryUntil) return; // backing off: the retry timer is set
    this.arm(this.queue.length >= this.maxBatchSize ? 0 : (this.options.scheduledDelayMs ?? 1000));
  }

  /** Exports everything queued, retrying failures with backoff until `deadlineMs` (clock time). True if the queue emptied. */
  async flush(deadlineMs: number): Promise<boolean> {
    const { clock } = this.options;
    while (this.queue.length > 0) {
      const ok = await (this.inFlight ?? this.exportBatch());
      if (ok) continue;
      const wait = Math.min(this.backoff.next(), deadlineMs - clock.now());
      if (wait <= 0) return false;
      await sleep(clock, wait);
    }
    return true;
  }

  /** Refuses new spans, flushes within `timeoutMs`, counts and logs what could not be sent, shuts the exporter down. */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    const { clock, logger, exporter } = this.options;
    this.closed = true;
    this.cancelTimer?.();
    const flushed = await this.flush(clock.now() + timeoutMs);
    if (!flushed) {
      const lost = this.queue.length;
      this.queue.length = 0;
      this.options.metrics.exportQueueSize.set(0);
      this.drop(lost, 'shutdown');
      logger.error('shutting down with spans the exporter did not accept; they are lost', { spans: lost });
    }
    try {
      await exporter.shutdown();
    } catch (err) {
      logger.warn('exporter shutdown failed', { error: (err as Error).message });
    }
  }

  private arm(ms: number): void {
    const at = this.options.clock.now() + ms;
    if (at >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.options.clock.schedule(ms, () => {
      this.timerAt = Infinity;
      this.cancelTimer = undefined;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.inFlight !== undefined || this.queue.length === 0) return;
    const ok = await this.exportBatch();
    if (this.closed) return;
    if (!ok) {
      const delay = this.backoff.next();
      this.retryUntil = this.options.clock.now() + delay;
      this.arm(delay);
    } else if (this.queue.length > 0) {
      this.arm(this.queue.length >= this.maxBatchSize ? 0 : (this.options.scheduledDelayMs ?? 1000));
    }
  }

  private exportBatch(): Promise<boolean> {
    const batch = this.queue.slice(0, this.maxBatchSize);
    const run = this.exportOnce(batch).then((error) => {
      this.inFlight = undefined;
      const { metrics, logger, clock } = this.options;
      if (error === undefined) {
        this.queue.splice(0, batch.length);
        metrics.exportedSpans.inc(batch.length);
        metrics.exportQueueSize.set(this.queue.length);
        this.backoff.reset();
        this.retryUntil = 0;
        if (this.failingSince !== undefined)
          logger.info('span export recovered', { downForMs: clock.now() - this.failingSince });
        this.failingSince = undefined;
        return true;
      }
      metrics.exportFailures.inc();
      if (this.failingSince === undefined) this.failingSince = clock.now();
      logger.warn('span export failed; will retry', {
        spans: batch.length,
        queued: this.queue.length,
        error: error.message,
        attempt: this.backoff.attempts + 1,
      });
      return false;
    });
    this.inFlight = run;
    return run;
  }

  /** One export call, bounded in time; resolves to the error, or undefined on success. */
  private exportOnce(batch: ReadableSpan[]): Promise<Error | undefined> {
    const { exporter, clock } = this.options;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (err: Error | undefined): void => {
        if (settled) return;
        settled = true;
        cancel();
        resolve(err);
      };
      const timeoutMs = this.options.exportTimeoutMs ?? 30_000;
      const cancel = clock.schedule(timeoutMs, () =>
        finish(new Error(`the exporter did not answer within ${timeoutMs} ms`)),
      );
      try {
        exporter.export(batch, (result) =>
          finish((result.code as number) === SUCCESS ? undefined : (result.error ?? new Error('export failed'))),
        );
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private drop(n: number, reason: 'queue-full' | 'shutdown'): void {
    if (n <= 0) return;
    const { metrics, logger, clock } = this.options;
    metrics.exportDroppedSpans.inc({ reason }, n);
    this.droppedSinceLog += n;
    // One line at the first drop, then at most one every 10 s with the count since the last line.
    if (clock.now() - this.lastDropLog >= 10_000 || reason === 'shutdown') {
      const why =
        reason === 'shutdown' ? 'the queue is shut down' : 'the export queue is full (is the OTLP endpoint down?)';
      logger.warn(`dropped spans: ${why}`, {
        reason,
        dropped: this.droppedSinceLog,
        maxQueueSize: this.maxQueueSize,
      });
      this.lastDropLog = clock.now();
      this.droppedSinceLog = 0;
    }
  }
}
