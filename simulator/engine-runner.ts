import { ENGINE_DEFAULTS, replay, type InputRecord, type KspanSpan } from '../core/index.ts';

/** Replays records through an engine and returns the spans; injectable so tests can fake the engine. */
export type RunEngine = (records: Iterable<InputRecord>) => KspanSpan[];

/** The real engine with a window (jitter + slack). */
export function realEngine(windowMs: number = ENGINE_DEFAULTS.windowMs): RunEngine {
  return (records) => replay(records, { windowMs }).spans;
}
