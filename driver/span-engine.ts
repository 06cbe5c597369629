import type { InputRecord } from '../core/index.ts';

/** What the driver needs of the core engine (`core/engine.ts` `Engine` fits). */
export interface SpanEngine {
  /** Feeds one input record; never throws. */
  push(record: InputRecord): void;
  /** Flushes everything still open (shutdown). */
  close(): void;
  stats(): { pendingEvents: number; openTraces: number; openSpans: number };
  readonly diagnostics: { readonly counts: Readonly<Record<string, number>> };
}

/** Where the driver writes every record it feeds (`--record`; `NdjsonLogWriter` fits). */
export interface RecordWriter {
  write(record: InputRecord): void;
}
