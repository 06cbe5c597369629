import type { InputRecord } from '../core/input-record.ts';
import { replay } from '../core/replay.ts';
import type { KspanSpan } from '../core/span.ts';

/** Replays records through an engine and returns the spans; injectable so tests can fake the engine. */
export type RunEngine = (records: Iterable<InputRecord>) => KspanSpan[];

/** The real engine with a window (jitter + slack). */
export function realEngine(windowMs = 5000): RunEngine {
  return (records) => replay(records, { windowMs }).spans;
}
