import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import { Backoff } from './backoff.ts';
import { DriverMetrics } from './driver-metrics.ts';
import { FlakyExporter } from './test-support/flaky-exporter.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';
import { SpanExportQueue } from './span-export-queue.ts';
import { VirtualClock } from './test-support/virtual-clock.ts';

const span = (i: number): ReadableSpan => ({ name: `span-${i}` }) as unknown as ReadableSpan;

function setup(maxQueueSize = 10) {
  const clock = new VirtualClock();
  const memory = new InMemorySpanExporter();
  const exporter = new FlakyExporter(memory);
  const metrics = new DriverMetrics();
  const logger = new MemoryLogger();
  const queue = new SpanExportQueue({
    exporter,
    clock,
    logger,
    metrics,
    maxQueueSize,
    maxBatchSize: 4,
    scheduledDelayMs: 1000,
    backoff: new Backoff({ initialMs: 1000, maxMs: 8000, random: () => 0.5 }),
  });
  const names = () => memory.getFinishedSpans().map((s) => s.name);
  return { clock, memory, exporter, metrics, logger, queue, names };
}

describe('SpanExportQueue', () => {
  it('batches spans and exports them after the scheduled delay', async () => {
    const { clock, queue, names } = setup();
    for (let i = 0; i < 3; i++) queue.enqueue(span(i));
    expect(names()).toEqual([]);
    await clock.advance(1000);
    expect(names()).toEqual(['span-0', 'span-1', 'span-2']);
  });

  it('keeps spans while the OTLP endpoint is down, bounds the queue, counts and logs the overflow, then delivers each span once', async () => {
    const { clock, exporter, metrics, logger, queue, names } = setup(10);
    exporter.down = true;
    for (let i = 0; i < 15; i++) queue.enqueue(span(i));
    expect(queue.size).toBe(10);
    expect(await DriverMetrics.total(metrics.exportDroppedSpans)).toBe(5);
    expect(logger.lines.filter((l) => l.msg.startsWith('dropped spans'))).toHaveLength(1);
    await clock.advance(20_000);
    const failures = await DriverMetrics.total(metrics.exportFailures);
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBeLessThanOrEqual(6); // backoff 1 s, 2 s, 4 s, 8 s, 8 s…, not a hot loop
    expect(queue.size).toBe(10);
    exporter.down = false;
    await clock.advance(10_000);
    expect(names()).toEqual(Array.from({ length: 10 }, (_, i) => `span-${i}`));
    await vi.waitFor(() => expect(queue.size).toBe(0));
    expect(await DriverMetrics.total(metrics.exportedSpans)).toBe(10);
    expect(logger.lines.map((l) => l.msg)).toContain('span export recovered');
    queue.enqueue(span(99));
    await clock.advance(1000);
    expect(names()).toHaveLength(11);
  });

  it('flushes on shutdown, and counts what a dead endpoint could not take', async () => {
    const { memory, metrics, queue } = setup();
    queue.enqueue(span(1));
    const exported: string[] = [];
    const record = memory.export.bind(memory);
    memory.export = (spans, cb) => {
      exported.push(...spans.map((s) => s.name));
      record(spans, cb);
    };
    await queue.shutdown(1000);
    expect(exported).toEqual(['span-1']); // InMemorySpanExporter.shutdown() forgets its spans, hence the tap
    expect(await DriverMetrics.total(metrics.exportedSpans)).toBe(1);

    const second = setup();
    second.exporter.down = true;
    second.queue.enqueue(span(2));
    const done = second.queue.shutdown(5000);
    await second.clock.advance(6000);
    await done;
    expect((await second.metrics.exportDroppedSpans.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: 'shutdown' }, value: 1 }),
    ]);
    second.queue.enqueue(span(3));
    expect(await DriverMetrics.total(second.metrics.exportDroppedSpans)).toBe(2);
  });
});
