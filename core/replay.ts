import { Engine, type EngineOptions } from './engine.ts';
import type { InputRecord } from './input-record.ts';
import type { KspanSpan } from './span.ts';

/** The outcome of replaying a whole input log. */
export interface ReplayResult {
  readonly spans: KspanSpan[];
  readonly diagnostics: Readonly<Record<string, number>>;
}

/** Replays an in-memory input log through a fresh engine and returns every span. */
export function replay(records: Iterable<InputRecord>, options: Omit<EngineOptions, 'sink'> = {}): ReplayResult {
  const spans: KspanSpan[] = [];
  const engine = new Engine({ ...options, sink: { emit: (s) => spans.push(s) } });
  for (const r of records) engine.push(r);
  engine.close();
  return { spans, diagnostics: { ...engine.diagnostics.counts } };
}
