import { getHeapStatistics } from 'node:v8';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { KspanSpan } from '../core/index.ts';
import { readableSpanWith, toReadableSpan } from '../export/to-readable-span.ts';
import type { SpanResources } from '../export/span-resources.ts';
import { Backoff } from './backoff.ts';
import { sleep, type Clock } from './clock.ts';
import type { DriverMetrics } from './driver-metrics.ts';
import { retryAdviceOf } from './grpc-retry-info.ts';
import type { Logger } from './logger.ts';
import { spanBytes } from './span-bytes.ts';

/** A span waiting for export, with its place in its trace's emission order (see `ExportLedger`). */
export interface QueuedSpan {
  readonly span: KspanSpan;
  /** 0 for the first span of its trace this process emitted, 1 for the next…; -1 for an exception (see `ExportLedger`). */
  readonly index: number;
  /** Its number in the numbering of the checkpoint this process rebuilds from; -1 (or absent) when not numbered there. */
  readonly foreign?: number;
}

/** Why spans were lost before the collector accepted them. */
export type DropCause = 'queue-full' | 'shutdown' | 'rejected';

/** Options of `SpanExportQueue`. */
export interface SpanExportQueueOptions {
  readonly exporter: SpanExporter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: DriverMetrics;
  /**
   * Bytes (estimated) of spans held. Above `saturation` of it intake pauses; beyond it spans are still taken
   * while the heap has room (one engine step can flush a burst of traces at once: those spans were already in
   * memory), and dropped (`queue-full`) once it has not. Default 64 MiB.
   */
  readonly maxQueueBytes?: number;
  /** True while the heap has room for spans beyond `maxQueueBytes` (default: used heap below 75 % of its limit). */
  readonly heapHasRoom?: () => boolean;
  /** Spans held at most (an extra bound; default none). */
  readonly maxQueueSize?: number;
  /** Above this share of either bound the queue is `saturated`: intake stops until it drains. Default 0.5. */
  readonly saturation?: number;
  readonly maxBatchSize?: number;
  /** Batches sent at once; they are committed in order. Default 4. */
  readonly maxConcurrentExports?: number;
  /** How long spans wait for a batch to fill. */
  readonly scheduledDelayMs?: number;
  /** An export that has not answered by then counts as failed (and is retried). */
  readonly exportTimeoutMs?: number;
  /** Backoff between failed attempts (default 0.5 s doubling to 5 s); a server's RetryInfo overrides it. */
  readonly backoff?: Backoff;
  /**
   * Sends only while this is true (this replica leads and its checkpoint keeps up); spans wait meanwhile, and
   * `poke()` says it may have opened. Asked before each batch with its size and the spans in flight. Default: always.
   */
  readonly isOpen?: (spans?: number, inFlight?: number) => boolean;
  /** Called with each committed batch, in queue order (the ledger advances its checkpoint). */
  readonly onExported?: (batch: readonly QueuedSpan[]) => void;
  /** The resources spans are exported with (cluster identity, service.name policy); default: plain. */
  readonly resources?: () => SpanResources;
}

interface Entry extends QueuedSpan {
  readonly bytes: number;
  readonly queuedAtMs: number;
}

interface Batch {
  readonly entries: Entry[];
  state: 'sending' | 'done' | 'failed';
  /** The collector refused it for good (dropped as `rejected` when committed). */
  rejected?: boolean;
  /** Settles when the current send has been answered. */
  done?: Promise<void>;
  /** When the current send started (clock ms). */
  sentAtMs?: number;
}

const SUCCESS: number = 0; // ExportResultCode.SUCCESS from @opentelemetry/core
const DROP_LOG_INTERVAL_MS = 10_000;
/**
 * At shutdown, batches in flight get at least this long to answer before the deadline (a loaded collector can take
 * seconds): one that answers too late may have been received, and the next leader sends it again. When recent
 * answers were slower, twice the slowest of them (`RECENT_ANSWERS`), up to `SEND_STOP_MAX_MS`: what is not sent
 * then is left to the next leader (with a checkpoint), which is never a duplicate.
 */
const SEND_STOP_BEFORE_DEADLINE_MS = 3000;
const SEND_STOP_MAX_MS = 10_000;
const RECENT_ANSWERS = 16;

/**
 * A queue in front of a `SpanExporter`, bounded in bytes, with the Collector exporterhelper's manners: batches
 * are retried with backoff (honouring the collector's RetryInfo) until accepted, several are in flight and they
 * are committed in order, so "what was exported" is always a prefix of what was queued. Above its saturation
 * mark the queue asks intake to pause (`saturated`) instead of dropping; it drops only when a bound is truly
 * exhausted, counted by cause and logged with totals. Never throws.
 */
export class SpanExportQueue {
  private readonly options: SpanExportQueueOptions;
  private readonly backoff: Backoff;
  private readonly maxBytes: number;
  private readonly maxSpans: number;
  private readonly saturation: number;
  private readonly maxBatchSize: number;
  private readonly maxConcurrent: number;
  /** Waiting spans, oldest first (from `head`). */
  private waiting: Entry[] = [];
  private head = 0;
  /** Batches sent or to be re-sent, oldest first. */
  private readonly batches: Batch[] = [];
  private heldBytes = 0;
  private heldSpans = 0;
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  private retryUntil = 0;
  private draining = false;
  private closed = false;
  private failingSince: number | undefined;
  private readonly dropped: Record<DropCause, number> = { 'queue-full': 0, shutdown: 0, rejected: 0 };
  private droppedSinceLog = 0;
  private lastDropLog = -Infinity;
  private cancelDropLog: (() => void) | undefined;
  private readonly drainWaiters: (() => void)[] = [];
  private readonly gateWaiters: (() => void)[] = [];
  private overflowChecks = 0;
  private heapRoom = false;
  private overflowLogged = false;
  /** How long the last successful sends took to be answered (ms), a ring of `RECENT_ANSWERS`. */
  private readonly answerMs: number[] = [];
  private answers = 0;

  constructor(options: SpanExportQueueOptions) {
    this.options = options;
    this.backoff = options.backoff ?? new Backoff({ initialMs: 500, maxMs: 5000 });
    this.maxBytes = options.maxQueueBytes ?? 64 * 1024 * 1024;
    this.maxSpans = options.maxQueueSize ?? Infinity;
    this.saturation = options.saturation ?? 0.5;
    this.maxBatchSize = options.maxBatchSize ?? 512;
    this.maxConcurrent = options.maxConcurrentExports ?? 4;
  }

  /** Spans held (waiting or in flight). */
  get size(): number {
    return this.heldSpans;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** True above the saturation mark: the driver stops feeding the engine until `whenDrained()`. */
  get saturated(): boolean {
    return (
      !this.draining &&
      (this.heldBytes >= this.maxBytes * this.saturation || this.heldSpans >= this.maxSpans * this.saturation)
    );
  }

  /** Age of the oldest span held, in ms (0 when empty). */
  oldestAgeMs(): number {
    const first = this.batches[0]?.entries[0] ?? this.waiting[this.head];
    return first === undefined ? 0 : this.options.clock.now() - first.queuedAtMs;
  }

  /** Spans lost so far, by cause. */
  droppedByCause(): Readonly<Record<DropCause, number>> {
    return { ...this.dropped };
  }

  /** Resolves once the queue is below its saturation mark. */
  whenDrained(): Promise<void> {
    if (!this.saturated) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Queues a span; drops it (counted, logged) only when a bound is exhausted or the queue is closed. */
  enqueue(item: QueuedSpan): boolean {
    if (this.closed) {
      this.drop(1, 'shutdown');
      return false;
    }
    const bytes = spanBytes(item.span);
    if (
      !this.draining &&
      (this.heldBytes + bytes > this.maxBytes || this.heldSpans + 1 > this.maxSpans) &&
      !this.overflowFits()
    ) {
      this.drop(1, 'queue-full');
      return false;
    }
    this.waiting.push({ ...item, bytes, queuedAtMs: this.options.clock.now() });
    this.heldBytes += bytes;
    this.heldSpans += 1;
    this.publish();
    if (this.options.clock.now() >= this.retryUntil) this.arm(this.nextDelay());
    return true;
  }

  /**
   * Removes held spans that `covered` says another replica already exported (never one in flight); returns
   * how many. The warm follower's queue stays small this way.
   */
  discard(covered: (item: QueuedSpan) => boolean): number {
    let removed = 0;
    const keep: Entry[] = [];
    for (let i = this.head; i < this.waiting.length; i++) {
      const e = this.waiting[i] as Entry;
      if (covered(e)) {
        removed++;
        this.release(e);
      } else keep.push(e);
    }
    this.waiting = keep;
    this.head = 0;
    for (let b = this.batches.length - 1; b >= 0; b--) {
      const batch = this.batches[b] as Batch;
      if (batch.state !== 'failed') continue;
      const left = batch.entries.filter((e) => {
        if (!covered(e)) return true;
        removed++;
        this.release(e);
        return false;
      });
      if (left.length === 0) this.batches.splice(b, 1);
      else batch.entries.splice(0, batch.entries.length, ...left);
    }
    if (removed > 0) {
      this.publish();
      this.commit();
    }
    return removed;
  }

  /** Forgets every span held without counting it lost (a follower's, at shutdown: the leader exports them). */
  abandon(): number {
    const n = this.heldSpans;
    this.waiting = [];
    this.head = 0;
    this.batches.length = 0;
    this.heldBytes = 0;
    this.heldSpans = 0;
    this.publish();
    return n;
  }

  /** Resolves once no batch is in flight (each answered: committed or failed), or after `timeoutMs` of real time. */
  async settled(timeoutMs: number): Promise<void> {
    const inFlight = this.inFlightAnswers();
    if (inFlight.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(inFlight), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Tells the queue the gate (`isOpen`) may have changed: sends what waits when it opened. */
  poke(): void {
    for (const w of this.gateWaiters.splice(0)) w();
    this.arm(0);
  }

  /**
   * Shutdown step 1: lifts the bounds, because what the engine flushes now was already held in memory by it
   * (the spans move from the engine to the queue), and dropping it would lose it for good.
   */
  beginDrain(): void {
    this.draining = true;
    this.wakeDrainWaiters();
  }

  /**
   * Exports everything held, retrying failures, until `deadlineMs` (clock time). No batch is started in the last
   * `stopMs()` before it (asked again after each answer): the ones in flight then have until the deadline to answer,
   * so that what was sent is known (and committed to the checkpoint) rather than sent again by the next leader.
   * True if the queue emptied.
   */
  async flush(deadlineMs: number, stopMs: () => number = () => 0): Promise<boolean> {
    const { clock } = this.options;
    this.cancelTimer?.();
    this.timerAt = Infinity;
    while (this.heldSpans > 0) {
      const sendUntilMs = deadlineMs - stopMs();
      if (clock.now() >= deadlineMs) return false;
      if (!this.isOpen(0, this.inFlightSpans())) {
        // Not allowed to send right now (waiting for a checkpoint write): wait for `poke`, until the deadline.
        await Promise.race([
          new Promise<void>((resolve) => this.gateWaiters.push(resolve)),
          sleep(clock, Math.min(200, deadlineMs - clock.now())),
        ]);
        continue;
      }
      const sent = clock.now() < sendUntilMs && this.sendReady();
      const inFlight = this.inFlightAnswers();
      if (inFlight.length > 0) {
        await Promise.race([Promise.race(inFlight), sleep(clock, Math.max(0, deadlineMs - clock.now()))]);
        continue;
      }
      if (!sent) {
        if (clock.now() >= sendUntilMs) return false;
        const wait = Math.min(Math.max(this.retryUntil - clock.now(), 10), deadlineMs - clock.now());
        if (wait <= 0) return false;
        await sleep(clock, wait);
      }
    }
    return true;
  }

  /**
   * Flushes until `deadlineMs` and shuts the exporter down. What could not be sent is counted and logged as lost
   * (`shutdown`), or, with `handOver` (a checkpoint in the Lease says what was exported, and the next leader
   * rebuilds the rest from the Events), left to the next leader. Returns how many spans were not sent.
   */
  async shutdown(deadlineMs: number, handOver = false): Promise<number> {
    const { logger, exporter } = this.options;
    this.draining = true;
    const flushed = await this.flush(deadlineMs, () => this.sendStopMs());
    this.closed = true;
    this.cancelTimer?.();
    let lost = 0;
    if (!flushed) {
      lost = this.abandon();
      if (handOver)
        logger.warn(
          'the grace period ended before every span was sent; the checkpoint says what was exported, and the next leader exports the rest from the re-listed Events',
          { spans: lost, stoppedSendingBeforeDeadlineMs: this.sendStopMs() },
        );
      else {
        this.drop(lost, 'shutdown');
        logger.error('shutting down with spans the exporter did not accept; they are lost', { spans: lost });
      }
    }
    this.logDrops();
    try {
      await exporter.shutdown();
    } catch (err) {
      logger.warn('exporter shutdown failed', { error: (err as Error).message });
    }
    return lost;
  }

  /**
   * How long before the shutdown deadline the last batch may start: 3 s, or twice the slowest recent answer (up to
   * 10 s), so that every batch sent is answered, and committed to the checkpoint, before the process ends.
   */
  sendStopMs(): number {
    let slowest = 0;
    for (const ms of this.answerMs) slowest = Math.max(slowest, ms);
    return Math.min(SEND_STOP_MAX_MS, Math.max(SEND_STOP_BEFORE_DEADLINE_MS, 2 * slowest));
  }

  /** Beyond the bound: asks the heap, once per 256 spans (reading heap statistics costs a few microseconds). */
  private overflowFits(): boolean {
    if (this.overflowChecks++ % 256 === 0) {
      this.heapRoom = (this.options.heapHasRoom ?? heapHasRoom)();
      if (this.heapRoom && !this.overflowLogged) {
        this.overflowLogged = true;
        this.options.logger.warn(
          'export queue beyond its bound: a burst of traces was flushed at once; held while the heap has room',
          {
            maxQueueBytes: this.maxBytes,
            heldBytes: this.heldBytes,
          },
        );
      }
    }
    return this.heapRoom;
  }

  private isOpen(spans = 0, inFlight = 0): boolean {
    return this.options.isOpen?.(spans, inFlight) ?? true;
  }

  /** The answers of the batches in flight, each resolving when its batch is committed or failed. */
  private inFlightAnswers(): Promise<void>[] {
    return this.batches.flatMap((b) => (b.state === 'sending' && b.done !== undefined ? [b.done] : []));
  }

  private inFlightSpans(): number {
    let n = 0;
    for (const b of this.batches) if (b.state === 'sending') n += b.entries.length;
    return n;
  }

  private nextDelay(): number {
    const waitingSpans = this.waiting.length - this.head;
    return waitingSpans >= this.maxBatchSize || this.draining ? 0 : (this.options.scheduledDelayMs ?? 1000);
  }

  private arm(ms: number): void {
    if (this.closed) return;
    const at = this.options.clock.now() + ms;
    if (at >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.options.clock.schedule(ms, () => {
      this.timerAt = Infinity;
      this.cancelTimer = undefined;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed || !this.isOpen(0, this.inFlightSpans())) return;
    if (this.options.clock.now() < this.retryUntil) return this.arm(this.retryUntil - this.options.clock.now());
    // Re-armed only after progress: a gate that refuses is opened again by `poke()`, not by polling.
    if (
      this.sendReady() &&
      this.waiting.length - this.head >= this.maxBatchSize &&
      this.sendingCount() < this.maxConcurrent
    )
      this.arm(0);
  }

  private sendingCount(): number {
    let n = 0;
    for (const b of this.batches) if (b.state === 'sending') n++;
    return n;
  }

  /** Starts sends up to the concurrency bound: a failed batch first (alone: it probes the collector), then new ones. */
  private sendReady(): boolean {
    if (this.options.clock.now() < this.retryUntil) return false;
    const failed = this.batches.find((b) => b.state === 'failed');
    if (failed !== undefined) {
      if (this.sendingCount() > 0 || !this.isOpen(failed.entries.length, 0)) return false;
      this.send(failed);
      return true;
    }
    let started = false;
    while (this.sendingCount() < this.maxConcurrent && this.waiting.length > this.head) {
      const size = Math.min(this.maxBatchSize, this.waiting.length - this.head);
      if (!this.isOpen(size, this.inFlightSpans())) break;
      const entries = this.waiting.slice(this.head, this.head + this.maxBatchSize);
      this.head += entries.length;
      if (this.head > 4096 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      const batch: Batch = { entries, state: 'sending' };
      this.batches.push(batch);
      this.send(batch);
      started = true;
    }
    return started;
  }

  private send(batch: Batch): void {
    batch.state = 'sending';
    batch.sentAtMs = this.options.clock.now();
    batch.done = this.exportOnce(
      batch.entries.map((e) => {
        const resources = this.options.resources?.();
        return resources === undefined ? toReadableSpan(e.span) : readableSpanWith(resources)(e.span);
      }),
    ).then((error) => this.settle(batch, error));
  }

  private settle(batch: Batch, error: Error | undefined): void {
    const { metrics, logger, clock } = this.options;
    if (error === undefined) {
      batch.state = 'done';
      this.answerMs[this.answers++ % RECENT_ANSWERS] = clock.now() - (batch.sentAtMs ?? clock.now());
      this.backoff.reset();
      this.retryUntil = 0;
      if (this.failingSince !== undefined)
        logger.info('span export recovered', { downForMs: clock.now() - this.failingSince });
      this.failingSince = undefined;
      this.commit();
    } else {
      metrics.exportFailures.inc();
      const advice = retryAdviceOf(error);
      if (!advice.retryable) {
        batch.state = 'done';
        batch.rejected = true;
        logger.error('the collector rejected a batch as invalid; it is dropped', {
          spans: batch.entries.length,
          error: error.message,
        });
        this.commit();
      } else {
        batch.state = 'failed';
        if (this.failingSince === undefined) this.failingSince = clock.now();
        const delay = Math.max(this.backoff.next(), Math.min(advice.retryAfterMs ?? 0, 60_000));
        this.retryUntil = Math.max(this.retryUntil, clock.now() + delay);
        logger.warn('span export failed; will retry', {
          spans: batch.entries.length,
          queued: this.heldSpans,
          error: error.message,
          attempt: this.backoff.attempts,
          retryInMs: delay,
          ...(advice.retryAfterMs !== undefined ? { serverRetryAfterMs: advice.retryAfterMs } : {}),
        });
      }
    }
    if (this.closed) return;
    if (this.retryUntil > clock.now()) this.arm(this.retryUntil - clock.now());
    else if (this.waiting.length > this.head || this.batches.some((b) => b.state === 'failed')) this.arm(0);
  }

  /** Commits finished batches at the head, in order. */
  private commit(): void {
    const { metrics } = this.options;
    while (this.batches[0]?.state === 'done') {
      const batch = this.batches.shift() as Batch;
      for (const e of batch.entries) this.release(e);
      if (batch.rejected === true) {
        this.drop(batch.entries.length, 'rejected');
        continue;
      }
      metrics.exportedSpans.inc(batch.entries.length);
      try {
        this.options.onExported?.(batch.entries);
      } catch (err) {
        this.options.logger.error('export ledger failed', { error: (err as Error).message });
      }
    }
    this.publish();
  }

  private release(e: Entry): void {
    this.heldBytes -= e.bytes;
    this.heldSpans -= 1;
  }

  private publish(): void {
    const { metrics } = this.options;
    metrics.exportQueueSize.set(this.heldSpans);
    metrics.exportQueueBytes.set(this.heldBytes);
    if (!this.saturated) this.wakeDrainWaiters();
  }

  private wakeDrainWaiters(): void {
    for (const w of this.drainWaiters.splice(0)) w();
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
      // Longer than the OTLP exporter's own deadline (10 s): a late success must not be taken for a failure and
      // sent again (a duplicate).
      const timeoutMs = this.options.exportTimeoutMs ?? 15_000;
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

  private drop(n: number, cause: DropCause): void {
    if (n <= 0) return;
    const { metrics, clock } = this.options;
    metrics.exportDroppedSpans.inc({ reason: cause }, n);
    this.dropped[cause] += n;
    this.droppedSinceLog += n;
    // A line at the first drop, then at most one every 10 s; a timer makes sure the last ones are logged too.
    if (clock.now() - this.lastDropLog >= DROP_LOG_INTERVAL_MS) this.logDrops();
    else if (this.cancelDropLog === undefined) {
      this.cancelDropLog = clock.schedule(this.lastDropLog + DROP_LOG_INTERVAL_MS - clock.now(), () => {
        this.cancelDropLog = undefined;
        this.logDrops();
      });
    }
  }

  private logDrops(): void {
    this.cancelDropLog?.();
    this.cancelDropLog = undefined;
    if (this.droppedSinceLog === 0) return;
    this.options.logger.warn('dropped spans (counted in kspan_export_dropped_spans_total)', {
      dropped: this.droppedSinceLog,
      totals: { ...this.dropped },
      maxQueueBytes: this.maxBytes,
    });
    this.lastDropLog = this.options.clock.now();
    this.droppedSinceLog = 0;
  }
}

/** Used heap below 75 % of the heap's limit (`--max-old-space-size`; 384 MiB in deploy/). */
function heapHasRoom(): boolean {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  return used < 0.75 * limit;
}
