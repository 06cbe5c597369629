import type { KspanSpan } from '../core/index.ts';
import type { Truth } from './story.ts';

/** A span whose parent is not the true one. */
export interface WrongEdge {
  readonly uid: string;
  readonly reason: string;
  readonly kind: string;
  readonly rule: string;
  /** True parent key, and the truth key of the parent kspan chose (`none` for no parent, `?` for an unknown span). */
  readonly expected: string;
  readonly actual: string;
}

/** Comparison of one engine run with its truth. Counts, so runs add up. */
export interface RunScore {
  /** True events (unambiguous) with a span, and how many of those have the true parent. */
  parentTotal: number;
  parentCorrect: number;
  /** Event spans checked for trace grouping, and how many sit in exactly their true trace. */
  traceTotal: number;
  traceCorrect: number;
  /** True events that got no span. */
  lost: number;
  /** True events whose parent the log cannot determine (reported apart), and how many came out right anyway. */
  ambiguousTotal: number;
  ambiguousCorrect: number;
  /** Event spans for events the truth does not know (should be 0). */
  unknownSpans: number;
  /**
   * Events delivered with an incomplete subject (a delivery fault), scored apart like ambiguous ones: how many,
   * how many got no span, how many kspan identified (`kspan.subject.identified_by`), how many got the true parent.
   */
  incompleteTotal: number;
  incompleteLost: number;
  incompleteIdentified: number;
  incompleteCorrect: number;
  /** Wrong edges counted by the `kspan.rule` of the wrong span. */
  wrongByRule: Record<string, number>;
  wrongEdges: WrongEdge[];
}

/** An empty score, to add runs into. */
export function emptyScore(): RunScore {
  return {
    parentTotal: 0,
    parentCorrect: 0,
    traceTotal: 0,
    traceCorrect: 0,
    lost: 0,
    ambiguousTotal: 0,
    ambiguousCorrect: 0,
    unknownSpans: 0,
    incompleteTotal: 0,
    incompleteLost: 0,
    incompleteIdentified: 0,
    incompleteCorrect: 0,
    wrongByRule: {},
    wrongEdges: [],
  };
}

/** The truth key of a span: its Event UID, or `root:<uid>:<generation>` for a synthesized root. */
export function truthKeyOf(span: KspanSpan): string | undefined {
  const a = span.attributes;
  if (a['kspan.root'] === true)
    return `root:${String(a['kspan.object.uid'])}:${String(a['kspan.object.generation'] ?? 0)}`;
  const uid = a['kspan.event.uid'];
  return typeof uid === 'string' ? uid : undefined;
}

/**
 * Scores spans against the truth. Parent edge: the parent span's truth key equals the true parent key.
 * Trace grouping: a span is in its true trace iff the event spans sharing its output trace are exactly
 * the event spans (with a span) sharing its true trace. An Event with several spans (repetitions after
 * its first span was exported): each later span counts as one more edge and one more grouping check, right
 * when it has the true parent and its first span's trace. Events in `incomplete` (delivered with an incomplete
 * subject) are counted apart; they and the events below them are left out of trace grouping (the parent edges
 * of those below are scored as usual).
 */
export function scoreRun(
  spans: readonly KspanSpan[],
  truth: Truth,
  keepEdges = 50,
  incomplete: ReadonlySet<string> = NONE,
): RunScore {
  const score = emptyScore();
  const bySpanId = new Map<string, KspanSpan>();
  const byKey = new Map<string, KspanSpan>();
  /** Later spans of an Event already spanned (a repetition after its first span was exported). */
  const continuations: [string, KspanSpan][] = [];
  for (const s of spans) {
    bySpanId.set(s.spanId, s);
    const key = truthKeyOf(s);
    if (key !== undefined && byKey.has(key) && !key.startsWith('root:')) continuations.push([key, s]);
    if (key !== undefined && !byKey.has(key)) byKey.set(key, s);
    if (key !== undefined && !key.startsWith('root:') && truth.events[key] === undefined) score.unknownSpans++;
  }
  // An event below an ambiguous one has an ambiguous trace too, and one below an Event delivered with an
  // incomplete subject a trace that hinges on what that Event lost (a generation its resourceVersion named):
  // leave them out of trace grouping.
  const traceAmbiguous = (uid: string): boolean => {
    let key = uid;
    for (
      let t = truth.events[key], hops = 0;
      t !== undefined && hops < 64;
      key = t.parent, t = truth.events[key], hops++
    )
      if (t.ambiguous === true || incomplete.has(key)) return true;
    return false;
  };
  const outputGroups = new Map<string, Set<string>>();
  const trueGroups = new Map<string, Set<string>>();
  for (const [uid, t] of Object.entries(truth.events)) {
    const span = byKey.get(uid);
    if (incomplete.has(uid)) score.incompleteTotal++;
    if (span === undefined) {
      score.lost++;
      if (incomplete.has(uid)) score.incompleteLost++;
      continue;
    }
    if (incomplete.has(uid)) {
      if (span.attributes['kspan.subject.identified_by'] !== undefined) score.incompleteIdentified++;
      const parent = span.parentSpanId === undefined ? undefined : bySpanId.get(span.parentSpanId);
      const actual =
        span.parentSpanId === undefined ? 'none' : parent === undefined ? '?' : (truthKeyOf(parent) ?? '?');
      if (actual === t.parent) score.incompleteCorrect++;
      continue;
    }
    if (!traceAmbiguous(uid)) {
      addTo(outputGroups, span.traceId, uid);
      addTo(trueGroups, t.trace, uid);
    }
    const parent = span.parentSpanId === undefined ? undefined : bySpanId.get(span.parentSpanId);
    const actual = span.parentSpanId === undefined ? 'none' : parent === undefined ? '?' : (truthKeyOf(parent) ?? '?');
    const right = actual === t.parent;
    if (t.ambiguous === true) {
      score.ambiguousTotal++;
      if (right) score.ambiguousCorrect++;
      continue;
    }
    score.parentTotal++;
    if (right) {
      score.parentCorrect++;
      continue;
    }
    const rule = String(span.attributes['kspan.rule'] ?? 'none');
    score.wrongByRule[rule] = (score.wrongByRule[rule] ?? 0) + 1;
    if (score.wrongEdges.length < keepEdges)
      score.wrongEdges.push({ uid, reason: t.reason, kind: t.kind, rule, expected: t.parent, actual });
  }
  const traceRight = new Set<string>();
  for (const [uid, t] of Object.entries(truth.events)) {
    const span = byKey.get(uid);
    if (span === undefined || traceAmbiguous(uid)) continue;
    score.traceTotal++;
    if (sameSet(outputGroups.get(span.traceId), trueGroups.get(t.trace))) {
      score.traceCorrect++;
      traceRight.add(uid);
    }
  }
  // A later span of the same Event must hang under the true parent too, in the trace of its first span.
  for (const [uid, span] of continuations) {
    const t = truth.events[uid];
    const first = byKey.get(uid);
    if (t === undefined || first === undefined || t.ambiguous === true || incomplete.has(uid)) continue;
    const parent = span.parentSpanId === undefined ? undefined : bySpanId.get(span.parentSpanId);
    const actual = span.parentSpanId === undefined ? 'none' : parent === undefined ? '?' : (truthKeyOf(parent) ?? '?');
    score.parentTotal++;
    if (actual === t.parent) score.parentCorrect++;
    else {
      const rule = String(span.attributes['kspan.rule'] ?? 'none');
      score.wrongByRule[rule] = (score.wrongByRule[rule] ?? 0) + 1;
      if (score.wrongEdges.length < keepEdges)
        score.wrongEdges.push({ uid, reason: t.reason, kind: t.kind, rule, expected: t.parent, actual });
    }
    if (traceAmbiguous(uid)) continue;
    score.traceTotal++;
    if (traceRight.has(uid) && span.traceId === first.traceId) score.traceCorrect++;
  }
  return score;
}

/** Adds `b` into `a` (edges kept up to `keepEdges`). */
export function addScore(a: RunScore, b: RunScore, keepEdges = 50): void {
  a.parentTotal += b.parentTotal;
  a.parentCorrect += b.parentCorrect;
  a.traceTotal += b.traceTotal;
  a.traceCorrect += b.traceCorrect;
  a.lost += b.lost;
  a.ambiguousTotal += b.ambiguousTotal;
  a.ambiguousCorrect += b.ambiguousCorrect;
  a.unknownSpans += b.unknownSpans;
  a.incompleteTotal += b.incompleteTotal;
  a.incompleteLost += b.incompleteLost;
  a.incompleteIdentified += b.incompleteIdentified;
  a.incompleteCorrect += b.incompleteCorrect;
  for (const [rule, n] of Object.entries(b.wrongByRule)) a.wrongByRule[rule] = (a.wrongByRule[rule] ?? 0) + n;
  for (const e of b.wrongEdges) if (a.wrongEdges.length < keepEdges) a.wrongEdges.push(e);
}

const NONE: ReadonlySet<string> = new Set();

/** A share as a number in [0, 1]; 1 when there is nothing to count. */
export function ratio(part: number, total: number): number {
  return total === 0 ? 1 : part / total;
}

function addTo(groups: Map<string, Set<string>>, key: string, uid: string): void {
  const g = groups.get(key);
  if (g === undefined) groups.set(key, new Set([uid]));
  else g.add(uid);
}

function sameSet(a: Set<string> | undefined, b: Set<string> | undefined): boolean {
  if (a === undefined || b === undefined || a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
