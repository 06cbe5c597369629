/**
 * The engine's default settings, in milliseconds of event/receive time: the one place they are written down.
 * The CLI flags, the production driver and the simulator show and use these values.
 */
export const ENGINE_DEFAULTS = {
  /** How long an event waits for its causes to arrive before it is placed (delivery jitter + 1 s). */
  windowMs: 5_000,
  /** A trace with no new span for this long is finished and emitted. */
  idleMs: 300_000,
  /** Emitted spans stay candidate parents this long after their trace's last span. */
  retainMs: 900_000,
  /** A trace older than this is emitted even if still active (a crash loop). */
  maxTraceMs: 3_600_000,
  /** How long the API server keeps an Event after its last update (kube-apiserver --event-ttl). */
  eventTtlMs: 3_600_000,
  /** Events (and, apart, objects) the compact index of exported spans remembers. */
  eventMemoryCapacity: 100_000,
  /** Repetitions of one event kept as span events; more are counted. */
  maxRepeatEvents: 32,
  /** Event occurrences remembered to drop re-deliveries. */
  dedupeCapacity: 200_000,
  /** An object not described again for this long is forgotten. */
  objectRetentionMs: 7_200_000,
  /** Spans held at most (open or retained); beyond, the oldest traces are emitted and forgotten early. */
  maxHeldSpans: 100_000,
} as const;
