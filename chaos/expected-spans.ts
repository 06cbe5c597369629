import { replay, type InputRecord } from '../core/index.ts';

/** A span kspan should deliver, and when a healthy kspan would have delivered it. */
export interface ExpectedSpan {
  readonly traceId: string;
  /** Wall-clock ms when its trace falls due: its last event, plus the idle time, plus two windows. */
  readonly dueMs: number;
}

/** The spans kspan should deliver, computed offline: span ID → expected span. */
export type ExpectedSpans = ReadonlyMap<string, ExpectedSpan>;

/**
 * Replays the input log a workload wrote through the core, independently of the process under test. Span IDs are
 * deterministic (event UID and occurrence; a root's UID and generation), so the live run must deliver this exact set.
 */
export function expectedSpans(
  records: readonly InputRecord[],
  options: { windowMs: number; idleMs: number },
): ExpectedSpans {
  const { spans } = replay(records, options);
  const lastUs = new Map<string, number>();
  for (const s of spans) lastUs.set(s.traceId, Math.max(lastUs.get(s.traceId) ?? 0, s.startUs));
  const out = new Map<string, ExpectedSpan>();
  for (const s of spans) {
    const dueMs = (lastUs.get(s.traceId) ?? s.startUs) / 1000 + options.idleMs + 2 * options.windowMs;
    out.set(s.spanId, { traceId: s.traceId, dueMs });
  }
  return out;
}

/**
 * How long kspan took to be back on schedule after a fault: the latest any span arrived after the later of its due
 * time and the fault's end (0 when every span arrived on time). Undefined while some expected span is missing.
 */
export function recoverySeconds(
  expected: ExpectedSpans,
  arrivals: ReadonlyMap<string, number>,
  faultEndMs: number,
): number | undefined {
  let late = 0;
  for (const [id, span] of expected) {
    const at = arrivals.get(id);
    if (at === undefined) return undefined;
    late = Math.max(late, at - Math.max(span.dueMs, faultEndMs));
  }
  return late / 1000;
}

/** How the received spans compare with the expected ones: exact sets. */
export interface Delivery {
  readonly expected: number;
  /** Distinct expected span IDs received. */
  readonly received: number;
  /** Extra copies of span IDs received more than once. */
  readonly duplicates: number;
  /** Expected span IDs never received. */
  readonly lost: number;
  /** Received span IDs the replay does not have (e.g. a trace rooted elsewhere). */
  readonly unexpected: number;
  /** Expected span IDs received in another trace than the replay's. */
  readonly wrongTrace: number;
  /** A few lost span IDs, for the notes. */
  readonly lostSample: readonly string[];
}

/** Compares what a receiver counted (span ID → copies, span ID → trace) with the expected set. */
export function compareDelivery(
  expected: ExpectedSpans,
  counts: ReadonlyMap<string, number>,
  traceOf: ReadonlyMap<string, string>,
): Delivery {
  let received = 0;
  let duplicates = 0;
  let unexpected = 0;
  let wrongTrace = 0;
  for (const [id, n] of counts) {
    duplicates += n - 1;
    const span = expected.get(id);
    if (span === undefined) {
      unexpected++;
      continue;
    }
    received++;
    if (traceOf.get(id) !== span.traceId) wrongTrace++;
  }
  const lostSample: string[] = [];
  for (const id of expected.keys()) {
    if (lostSample.length >= 5) break;
    if (!counts.has(id)) lostSample.push(id);
  }
  return {
    expected: expected.size,
    received,
    duplicates,
    lost: expected.size - received,
    unexpected,
    wrongTrace,
    lostSample,
  };
}
