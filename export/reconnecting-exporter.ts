import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

type ResultCallback = Parameters<SpanExporter['export']>[1];

const UNAVAILABLE = 14; // gRPC status code

/**
 * A gRPC span exporter that opens a fresh channel after an `UNAVAILABLE` failure. grpc-js reconnects a channel
 * on its own exponential backoff (1 s growing by 1.6 up to 120 s) and fails every call at once meanwhile, so a
 * collector that was down for a minute would otherwise stay unreachable for up to ~30 s after it came back,
 * whatever the caller's own retry schedule says. With a fresh channel per failed attempt the caller's backoff
 * (and the collector's RetryInfo) decides alone. The replaced exporter is shut down once its calls have answered.
 */
export class ReconnectingExporter implements SpanExporter {
  private readonly create: () => SpanExporter;
  private current: SpanExporter;
  private readonly pending = new Map<SpanExporter, number>();
  private readonly retired = new Set<SpanExporter>();
  /** Channels opened after the first (for tests and logs). */
  reconnects = 0;

  constructor(create: () => SpanExporter) {
    this.create = create;
    this.current = create();
  }

  export(spans: ReadableSpan[], resultCallback: ResultCallback): void {
    const inner = this.current;
    this.pending.set(inner, (this.pending.get(inner) ?? 0) + 1);
    inner.export(spans, (result) => {
      const left = (this.pending.get(inner) ?? 1) - 1;
      if (left > 0) this.pending.set(inner, left);
      else this.pending.delete(inner);
      if (result.error !== undefined && codeOf(result.error) === UNAVAILABLE && inner === this.current) this.renew();
      if (left === 0 && this.retired.has(inner)) this.retire(inner);
      resultCallback(result);
    });
  }

  async shutdown(): Promise<void> {
    const all = [this.current, ...this.retired];
    this.retired.clear();
    await Promise.all(all.map((e) => e.shutdown()));
  }

  async forceFlush(): Promise<void> {
    await this.current.forceFlush?.();
  }

  private renew(): void {
    const old = this.current;
    this.current = this.create();
    this.reconnects++;
    this.retired.add(old);
    if (!this.pending.has(old)) this.retire(old);
  }

  private retire(old: SpanExporter): void {
    this.retired.delete(old);
    old.shutdown().catch(() => {});
  }
}

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
