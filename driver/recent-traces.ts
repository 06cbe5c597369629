import type { KspanSpan } from '../core/index.ts';

/**
 * The most recent traces' spans, for `kspan run --ui`: whole traces in the order their spans were emitted,
 * the oldest trace dropped once more than `maxSpans` spans are held (a trace larger than the bound alone is
 * kept only until the next trace arrives). Memory is bounded by `maxSpans`, not by how long kspan runs.
 */
export class RecentTraces {
  private readonly maxSpans: number;
  /** Insertion order of a Map is the order the traces were first seen: the first entry is the oldest. */
  private readonly traces = new Map<string, KspanSpan[]>();
  private held = 0;

  constructor(maxSpans: number) {
    if (!Number.isInteger(maxSpans) || maxSpans < 1)
      throw new Error(`maxSpans must be a positive integer, got ${maxSpans}`);
    this.maxSpans = maxSpans;
  }

  add(span: KspanSpan): void {
    const list = this.traces.get(span.traceId);
    if (list === undefined) this.traces.set(span.traceId, [span]);
    else list.push(span);
    this.held++;
    for (const [traceId, oldest] of this.traces) {
      if (this.held <= this.maxSpans || traceId === span.traceId) break;
      this.traces.delete(traceId);
      this.held -= oldest.length;
    }
  }

  /** How many spans are held. */
  get size(): number {
    return this.held;
  }

  /** How many traces are held. */
  get traceCount(): number {
    return this.traces.size;
  }

  /** The held spans, oldest trace first. */
  spans(): KspanSpan[] {
    return [...this.traces.values()].flat();
  }
}
