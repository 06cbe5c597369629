import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import { Backoff } from './backoff.ts';
import { DriverMetrics } from './driver-metrics.ts';
import { spanBytes } from './span-bytes.ts';
import { SpanExportQueue, type QueuedSpan, type SpanExportQueueOptions } from './span-export-queue.ts';
import { FlakyExporter } from './test-support/flaky-exporter.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';
import { kspanSpan } from './test-support/spans.ts';
import { VirtualClock, settle } from './test-support/virtual-clock.ts';

const item = (i: number): QueuedSpan => ({ span: kspanSpan(`span-${i}`), index: i });
const ONE = spanBytes(item(0).span);

function setup(over: Partial<SpanExportQueueOptions> = {}) {
  const clock = new VirtualClock();
  const memory = new InMemorySpanExporter();
  const exporter = new FlakyExporter(memory);
  const metrics = new DriverMetrics();
  const logger = new MemoryLogger();
  const committed: number[] = [];
  const queue = new SpanExportQueue({
    exporter,
    clock,
    logger,
    metrics,
    maxQueueBytes: 10 * ONE,
    maxBatchSize: 4,
    scheduledDelayMs: 1000,
    backoff: new Backoff({ initialMs: 1000, maxMs: 5000, random: () => 0.5 }),
    heapHasRoom: () => false,
    onExported: (batch) => committed.push(...batch.map((b) => b.index)),
    ...over,
  });
  const names = () => memory.getFinishedSpans().map((s) => s.name);
  return { clock, memory, exporter, metrics, logger, queue, names, committed };
}

/** An exporter whose calls are answered by the test. */
class ManualExporter implements SpanExporter {
  readonly calls: { spans: ReadableSpan[]; answer: (error?: Error) => void }[] = [];
  export(spans: ReadableSpan[], cb: (r: { code: number; error?: Error }) => void): void {
    this.calls.push({ spans, answer: (error) => cb(error === undefined ? { code: 0 } : { code: 1, error }) });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A protobuf field (tests build a google.rpc.Status by hand). */
function field(n: number, bytes: Uint8Array | number): Uint8Array {
  const varint = (v: number): number[] => {
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    return out;
  };
  if (typeof bytes === 'number') return Uint8Array.from([...varint(n * 8), ...varint(bytes)]);
  return Uint8Array.from([...varint(n * 8 + 2), ...varint(bytes.length), ...bytes]);
}
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

/** A grpc-js-like error: RESOURCE_EXHAUSTED with RetryInfo { retry_delay: `seconds` }. */
function throttled(seconds: number): Error {
  const retryInfo = field(1, concat(field(1, seconds), field(2, 0)));
  const any = concat(
    field(1, new TextEncoder().encode('type.googleapis.com/google.rpc.RetryInfo')),
    field(2, retryInfo),
  );
  const status = concat(field(1, 8), field(2, new TextEncoder().encode('slow down')), field(3, any));
  return Object.assign(new Error('8 RESOURCE_EXHAUSTED: slow down'), {
    code: 8,
    metadata: { get: (k: string) => (k === 'grpc-status-details-bin' ? [Buffer.from(status)] : []) },
  });
}

/** A queue of batches of 2, one in flight at a time, answered by the test (the shutdown deadline cases). */
function manualShutdown() {
  const exporter = new ManualExporter();
  return { ...setup({ exporter, maxQueueBytes: 1e9, maxBatchSize: 2, maxConcurrentExports: 1 }), exporter };
}

describe('SpanExportQueue', () => {
  it('batches spans and exports them after the scheduled delay', async () => {
    const { clock, queue, names } = setup();
    for (let i = 0; i < 3; i++) queue.enqueue(item(i));
    expect(names()).toEqual([]);
    await clock.advance(1000);
    expect(names()).toEqual(['span-0', 'span-1', 'span-2']);
  });

  it('keeps spans while the endpoint is down, retries with backoff capped at 5 s, then delivers each span once', async () => {
    const { clock, exporter, metrics, logger, queue, names } = setup();
    exporter.down = true;
    for (let i = 0; i < 8; i++) queue.enqueue(item(i));
    await clock.advance(60_000);
    const failures = await DriverMetrics.total(metrics.exportFailures);
    // 1 s, 2 s, 4 s, then every 5 s: about 14 attempts in a minute; a 30 s cap would give about 5
    expect(failures).toBeGreaterThanOrEqual(11);
    expect(failures).toBeLessThanOrEqual(16);
    expect(queue.size).toBe(8);
    exporter.down = false;
    await clock.advance(6000);
    await vi.waitFor(() => expect(queue.size).toBe(0));
    expect(names()).toEqual(Array.from({ length: 8 }, (_, i) => `span-${i}`));
    expect(await DriverMetrics.total(metrics.exportedSpans)).toBe(8);
    expect(await DriverMetrics.total(metrics.exportDroppedSpans)).toBe(0);
    expect(logger.lines.map((l) => l.msg)).toContain('span export recovered');
  });

  it('is saturated above half its byte bound, drops only beyond it, counted by cause, and logs every drop with totals', async () => {
    const { clock, exporter, metrics, logger, queue } = setup();
    exporter.down = true;
    const drained = vi.fn();
    for (let i = 0; i < 4; i++) queue.enqueue(item(i));
    expect(queue.saturated).toBe(false);
    queue.enqueue(item(4));
    expect(queue.saturated).toBe(true);
    void queue.whenDrained().then(drained);
    for (let i = 5; i < 13; i++) queue.enqueue(item(i)); // room for 10
    expect(queue.size).toBe(10);
    expect(queue.bytes).toBe(10 * ONE);
    expect((await metrics.exportDroppedSpans.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: 'queue-full' }, value: 3 }),
    ]);
    await clock.advance(11_000); // the drops after the first line are logged too, by a timer
    const dropLines = logger.lines.filter((l) => l.msg.startsWith('dropped spans'));
    expect(dropLines.map((l) => l.fields.dropped)).toEqual([1, 2]);
    expect(dropLines.at(-1)?.fields.totals).toEqual({ 'queue-full': 3, shutdown: 0, rejected: 0 });
    expect(drained).not.toHaveBeenCalled();
    exporter.down = false;
    await clock.advance(6000);
    await vi.waitFor(() => expect(drained).toHaveBeenCalled());
    expect(queue.size).toBe(0);
  });

  it('beyond its bound takes a burst while the heap has room (the engine flushed it in one step), and drops once it has not', async () => {
    let room = true;
    const { queue, metrics, logger } = setup({ heapHasRoom: () => room, exporter: new ManualExporter() });
    for (let i = 0; i < 300; i++) queue.enqueue(item(i));
    expect(queue.size).toBe(300);
    expect(logger.lines.map((l) => l.msg)).toContain(
      'export queue beyond its bound: a burst of traces was flushed at once; held while the heap has room',
    );
    room = false;
    for (let i = 300; i < 600; i++) queue.enqueue(item(i));
    expect(queue.size).toBeLessThan(600);
    expect(await DriverMetrics.total(metrics.exportDroppedSpans)).toBe(600 - queue.size);
  });

  it('sends several batches at once and commits them in queue order, whatever order they are answered in', async () => {
    const exporter = new ManualExporter();
    const { clock, queue, committed } = setup({ exporter, maxQueueBytes: 1e9, maxConcurrentExports: 3 });
    for (let i = 0; i < 12; i++) queue.enqueue(item(i));
    await clock.advance(1);
    expect(exporter.calls).toHaveLength(3);
    exporter.calls[2]?.answer();
    exporter.calls[1]?.answer();
    await settle();
    expect(committed).toEqual([]); // the first batch has not been answered
    exporter.calls[0]?.answer();
    await settle();
    expect(committed).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("honours the collector's RetryInfo: no retry before the delay it asked for", async () => {
    const exporter = new ManualExporter();
    const { clock, queue, logger } = setup({ exporter });
    queue.enqueue(item(0));
    await clock.advance(1000);
    exporter.calls[0]?.answer(throttled(7));
    await settle();
    await clock.advance(6900);
    expect(exporter.calls).toHaveLength(1); // our own backoff alone would have retried after 1 s
    await clock.advance(200);
    expect(exporter.calls).toHaveLength(2);
    expect(logger.lines.find((l) => l.msg === 'span export failed; will retry')?.fields.serverRetryAfterMs).toBe(7000);
  });

  it('drops a batch the collector rejects as invalid (counted `rejected`) and goes on with the next', async () => {
    const exporter = new ManualExporter();
    const { clock, queue, metrics, committed } = setup({ exporter });
    for (let i = 0; i < 8; i++) queue.enqueue(item(i));
    await clock.advance(1);
    exporter.calls[0]?.answer(Object.assign(new Error('3 INVALID_ARGUMENT: bad span'), { code: 3 }));
    exporter.calls[1]?.answer();
    await settle();
    expect(committed).toEqual([4, 5, 6, 7]);
    expect((await metrics.exportDroppedSpans.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: 'rejected' }, value: 4 }),
    ]);
  });

  it('sends nothing while its gate is closed (not the leader), and what waits once it opens', async () => {
    let open = false;
    const { clock, queue, names } = setup({ isOpen: () => open });
    for (let i = 0; i < 3; i++) queue.enqueue(item(i));
    await clock.advance(5000);
    expect(names()).toEqual([]);
    open = true;
    queue.poke();
    await clock.advance(1);
    expect(names()).toEqual(['span-0', 'span-1', 'span-2']);
  });

  it('discards what another replica exported (the checkpoint covers it), never what is in flight', async () => {
    const exporter = new ManualExporter();
    const { clock, queue } = setup({ exporter, maxQueueBytes: 1e9, maxConcurrentExports: 2 });
    for (let i = 0; i < 10; i++) queue.enqueue(item(i));
    await clock.advance(1); // batches 0-3 and 4-7 in flight
    expect(queue.discard((s) => s.index % 2 === 0)).toBe(1); // only span 8 waits and is covered
    expect(queue.size).toBe(9);
  });

  it('on shutdown lifts its bounds (the engine flushes what it held) and exports everything before the deadline', async () => {
    const { clock, queue, memory, metrics } = setup({ maxBatchSize: 512, maxConcurrentExports: 4 });
    queue.beginDrain();
    for (let i = 0; i < 20_000; i++) queue.enqueue(item(i));
    expect(queue.size).toBe(20_000); // far beyond the 10-span bound
    const exported: string[] = [];
    const tap = memory.export.bind(memory);
    memory.export = (spans, cb) => {
      exported.push(...spans.map((s) => s.name));
      tap(spans, cb);
    };
    const lost = await queue.shutdown(clock.now() + 25_000);
    expect(lost).toBe(0);
    expect(exported).toHaveLength(20_000);
    expect(new Set(exported).size).toBe(20_000);
    expect(await DriverMetrics.total(metrics.exportDroppedSpans)).toBe(0);
  });

  it('with a checkpoint (hand-over), leaves what it could not send by the deadline to the next leader: not counted lost', async () => {
    const { clock, exporter, queue, metrics, logger } = setup();
    exporter.down = true;
    queue.enqueue(item(2));
    const done = queue.shutdown(clock.now() + 5000, true);
    await clock.advance(6000);
    expect(await done).toBe(1);
    expect(await DriverMetrics.total(metrics.exportDroppedSpans)).toBe(0);
    expect(logger.lines.some((l) => l.msg.includes('the next leader exports the rest') && l.fields.spans === 1)).toBe(
      true,
    );
  });

  it('starts no batch in the last 3 s before the shutdown deadline, and commits what answers by then', async () => {
    const { exporter, clock, queue, committed } = manualShutdown();
    for (let i = 0; i < 6; i++) queue.enqueue(item(i));
    const done = queue.shutdown(clock.now() + 4500, true);
    await clock.advance(10);
    expect(exporter.calls).toHaveLength(1);
    await clock.advance(1000);
    exporter.calls[0]!.answer(); // answered at 1.0 s: the next batch starts
    await clock.advance(10);
    expect(exporter.calls).toHaveLength(2);
    await clock.advance(1000);
    exporter.calls[1]!.answer(); // answered at 2.0 s: too late to start another one, but this one counts
    await clock.advance(1100);
    expect(await done).toBe(2);
    expect(exporter.calls).toHaveLength(2);
    expect(committed).toEqual([0, 1, 2, 3]);
  });

  it('at shutdown stops sending twice the slowest recent answer before the deadline (3 s at least, 10 s at most)', async () => {
    const { exporter, clock, queue, committed } = manualShutdown();
    expect(queue.sendStopMs()).toBe(3000);
    for (let i = 0; i < 6; i++) queue.enqueue(item(i));
    const done = queue.shutdown(clock.now() + 7500, true);
    await clock.advance(10);
    expect(exporter.calls).toHaveLength(1);
    await clock.advance(4000);
    exporter.calls[0]!.answer(); // answered after 4 s: a batch started now (3.5 s before the deadline) might not be
    await clock.advance(10);
    expect(queue.sendStopMs()).toBeGreaterThanOrEqual(8000);
    expect(queue.sendStopMs()).toBeLessThan(8100);
    expect(exporter.calls).toHaveLength(1);
    await clock.advance(4000);
    expect(await done).toBe(4); // left to the next leader, none of them in flight at the end
    expect(committed).toEqual([0, 1]);
    const manual = new ManualExporter();
    const slow = setup({ exporter: manual, maxBatchSize: 1, exportTimeoutMs: 60_000 });
    slow.queue.enqueue(item(0));
    await slow.clock.advance(31_000);
    manual.calls[0]!.answer();
    await slow.clock.advance(10);
    expect(slow.queue.sendStopMs()).toBe(10_000);
  });

  it('counts what a dead endpoint could not take by the deadline as lost (`shutdown`), and refuses spans after', async () => {
    const { clock, exporter, queue, metrics, logger } = setup();
    exporter.down = true;
    queue.enqueue(item(2));
    const done = queue.shutdown(clock.now() + 5000);
    await clock.advance(6000);
    expect(await done).toBe(1);
    expect((await metrics.exportDroppedSpans.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: 'shutdown' }, value: 1 }),
    ]);
    expect(logger.lines.some((l) => l.msg.startsWith('dropped spans') && l.fields.dropped === 1)).toBe(true);
    queue.enqueue(item(3));
    expect(await DriverMetrics.total(metrics.exportDroppedSpans)).toBe(2);
  });
});
