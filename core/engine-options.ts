import type { RetargetRule } from './retarget-rules.ts';
import type { SpanSink } from './span-sink.ts';

/** Engine settings; every duration is in event/receive time, never the wall clock. Defaults: ENGINE_DEFAULTS. */
export interface EngineOptions {
  readonly sink: SpanSink;
  /** How long an event waits for its causes to arrive before it is placed (delivery jitter + 1 s). Default 5 s. */
  readonly windowMs?: number;
  /** A trace with no new span for this long is finished and emitted. Default 5 min. */
  readonly idleMs?: number;
  /** Emitted spans stay candidate parents this long after their trace's last span, so late effects join it. Default 15 min. */
  readonly retainMs?: number;
  /** A trace older than this is emitted even if still active (a crash loop); later occurrences continue it. Default 1 h. */
  readonly maxTraceMs?: number;
  /**
   * How long the API server keeps an Event after its last update (kube-apiserver `--event-ttl`): a later
   * occurrence (or an object's later event) joins what was exported this long after. Default 1 h.
   */
  readonly eventTtlMs?: number;
  /** Events (and, apart, objects) the compact index of exported spans remembers. Default 100,000. */
  readonly eventMemoryCapacity?: number;
  /** Repetitions of one event kept as span events; more are counted. Default 32. */
  readonly maxRepeatEvents?: number;
  /** Event occurrences remembered to drop re-deliveries. Default 200,000. */
  readonly dedupeCapacity?: number;
  /** An object not described again for this long is forgotten (drivers re-describe what they still use). Default 2 h. */
  readonly objectRetentionMs?: number;
  /**
   * Most spans held (not emitted yet, or retained as candidate parents); beyond, the oldest traces are emitted and
   * forgotten early (diagnostic `span-capacity`), so a flood cannot grow memory past it. Default 100,000.
   */
  readonly maxHeldSpans?: number;
  /** Retarget rules of custom controllers (a controller rules file), checked after the built-in ones. */
  readonly retargetRules?: readonly RetargetRule[];
}

/** What the engine holds right now. */
export interface EngineStats {
  readonly pendingEvents: number;
  readonly openTraces: number;
  readonly openSpans: number;
  /** Emitted spans still held as candidate parents. */
  readonly retainedSpans: number;
  /** Root objects whose trace was forgotten, remembered to number their next segment. */
  readonly forgottenRoots: number;
  /** Entries of the queue of when traces are due (some stale). */
  readonly dueEntries: number;
  /** Exported Events and objects the EventMemory remembers. */
  readonly rememberedEvents: number;
  readonly rememberedObjects: number;
  /** Event occurrences remembered to drop re-deliveries. */
  readonly dedupedOccurrences: number;
  readonly objects: number;
}
