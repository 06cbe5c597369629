import type { ParentChoice, RootRef } from './correlation-rule.ts';
import { spanIdOf, traceIdOf } from './ids.ts';
import type { EventSlot } from './event-index.ts';
import type { ObjectSpans, RecentSpans } from './recent-spans.ts';
import type { StringPool } from './string-pool.ts';
import type { KspanSpan } from './span.ts';
import { rootAttributes } from './span-attributes.ts';
import type { SpanSink } from './span-sink.ts';
import type { Diagnostics } from './diagnostics.ts';
import {
  appended,
  NO_EVENTS,
  NO_SPANS,
  isSynthesized,
  releaseEmitted,
  statusMessageOf,
  type SpanState,
  type TraceState,
} from './span-state.ts';
import { objectKey } from './normalized-event.ts';
import { DueQueue } from './due-queue.ts';
import { changeEvents, rootChanges } from './root-changes.ts';
import { SlotColumns } from './slot-columns.ts';
import { columnLinks, NO_SLOT, SlotRecencyList } from './slot-recency-list.ts';
import { StringSlotIndex } from './string-slot-index.ts';

/** Settings of a TraceAssembler (microseconds of receive time). */
export interface TraceAssemblerOptions {
  readonly sink: SpanSink;
  readonly recent: RecentSpans;
  /** Pending spans of a trace with no new span for this long are emitted. */
  readonly idleUs: number;
  /** An emitted trace's spans stay candidate parents this long after its last span (late causes, e.g. evictions). */
  readonly retainUs: number;
  /** A trace older than this is emitted and forgotten even if still active. */
  readonly maxTraceUs: number;
  /** Most spans held (pending or retained); beyond, the oldest traces are emitted and forgotten (see shed). */
  readonly maxHeldSpans: number;
  /** How long a forgotten root's segment count is remembered after its trace's last span (the object retention). */
  readonly forgetUs: number;
  readonly diagnostics: Diagnostics;
  /** Pools the root spans' names (`Deployment.Update`), as the engine's span names are. */
  readonly strings?: StringPool;
}

/**
 * The columns of a forgotten root's slot: how many segments it had, when the last one's last span was, and its
 * neighbours in the order the roots were forgotten (NO_SLOT at an end).
 */
const SEGMENTS = 0;
const LAST = 1;
const OLDER = 2;
const NEWER = 3;

/**
 * Holds traces, synthesizes root spans, and emits a trace's spans once it is idle, with ends settled.
 * Emitted spans stay in the index for the retention window, so a late child still joins its trace.
 */
export class TraceAssembler {
  private readonly traces = new Map<string, TraceState>();
  /**
   * Segments already forgotten per root key: a root active again after that starts a new one. Kept in the order
   * they were forgotten, for `forgetUs` and at most `maxHeldSpans` of them: a root quiet for longer than the
   * object retention starts over at segment 0. Each is a slot of `forgotten` (SEGMENTS, LAST, and the links of that
   * order, oldest first), found by its root key in `segments` (up to 100,000 of them, forgotten and added all the
   * time: a Map would keep two to four times as many places, 28 bytes each).
   */
  private readonly segments: StringSlotIndex;
  private readonly forgotten: SlotColumns;
  private readonly forgottenOrder: SlotRecencyList;
  /**
   * The LAST of the front of `segments` (+Infinity when empty, -Infinity when it may have changed): flushIdle, called
   * for nearly every event, walks the front only when it is due, instead of starting an iterator each call.
   */
  private segmentsFrontUs = Number.NEGATIVE_INFINITY;
  private readonly options: TraceAssemblerOptions;
  private pendingSpans = 0;
  private retainedSpans = 0;
  /**
   * When each trace may next need emitting or forgetting, with the trace's dueToken then. Entries go stale when a
   * trace gets a newer entry (its token changes) or moves on; a popped entry is checked against the trace and
   * re-queued if early.
   */
  private readonly due: DueQueue<TraceState>;

  constructor(options: TraceAssemblerOptions) {
    this.options = options;
    // At most maxHeldSpans forgotten roots, and the one added before the oldest goes: their columns grow to that in
    // one step (column-growth.ts).
    this.segments = new StringSlotIndex(options.maxHeldSpans + 1);
    this.forgotten = new SlotColumns(4, 64, options.maxHeldSpans + 1);
    this.forgottenOrder = new SlotRecencyList(columnLinks(this.forgotten, OLDER, NEWER));
    // Each held trace has a span at least, and one current entry (stale ones go at each shed).
    this.due = new DueQueue(options.maxHeldSpans + 1);
  }

  /** Number of traces held (open or retained). */
  get openCount(): number {
    return this.traces.size;
  }

  /** Number of spans not emitted yet. */
  get openSpanCount(): number {
    return this.pendingSpans;
  }

  /** Number of emitted spans held as candidate parents. */
  get retainedSpanCount(): number {
    return this.retainedSpans;
  }

  /** Number of entries in the due queue. */
  get dueCount(): number {
    return this.due.size;
  }

  /** Number of forgotten roots whose segment count is remembered. */
  get forgottenRootCount(): number {
    return this.segments.size;
  }

  private dueAt(trace: TraceState): number {
    const { idleUs, retainUs, maxTraceUs } = this.options;
    return Math.min(
      trace.pending.length > 0 ? trace.lastUs + idleUs : Number.POSITIVE_INFINITY,
      trace.lastUs + retainUs,
      trace.openedUs + maxTraceUs,
    );
  }

  private schedule(trace: TraceState): void {
    trace.dueToken += 1;
    // The entry this replaces stays until its time and is skipped then. A trace is rescheduled here only when
    // it opens or reopens after an emission (an idle time at least), so it has a few such entries at most; a
    // trace forgotten early (shed) takes its entries with it.
    this.due.push(this.dueAt(trace), trace, trace.dueToken);
  }

  /**
   * The trace (and parent span) a parent choice puts a new span in, opening the trace if needed (`objectKey`: the
   * event's object's key, shared with a root span of the same object, see openRoot).
   */
  traceFor(
    choice: ParentChoice,
    eventUs: number,
    objectKey?: string,
  ): { trace: TraceState; parent: SpanState | undefined; externalParentId: string | undefined } {
    if ('span' in choice) return { trace: choice.span.trace, parent: choice.span, externalParentId: undefined };
    if ('own' in choice)
      return { trace: this.openOwn(choice.own, eventUs), parent: undefined, externalParentId: undefined };
    if ('external' in choice) {
      const { traceId, spanId } = choice.external;
      return { trace: this.openExternal(traceId, spanId, eventUs), parent: undefined, externalParentId: spanId };
    }
    const opened = this.openRoot(choice.root, eventUs, objectKey);
    return { trace: opened.trace, parent: opened.root, externalParentId: undefined };
  }

  /**
   * The trace of a root object's generation, creating it and its synthesized root span if needed. `sameKey`: a key
   * that may be the root object's own (the event's object, most often the root itself): the root span then holds
   * that string as its actor key rather than a copy of the same text.
   */
  openRoot(root: RootRef, eventUs: number, sameKey?: string): { trace: TraceState; root: SpanState } {
    const existing = this.traces.get(root.key);
    const first = existing?.pending[0];
    const existingRoot = first !== undefined && isSynthesized(first) ? first : existing?.retained[0];
    if (existing !== undefined && existingRoot !== undefined) return { trace: existing, root: existingRoot };
    const slot = this.segments.get(root.key);
    const segment = slot === undefined ? 0 : this.forgotten.get(slot, SEGMENTS);
    // trace ID = hash(root UID, generation); later segments of the same change add their number.
    const idParts: (string | number)[] =
      segment === 0 ? [root.uid, root.generation] : [root.uid, root.generation, segment];
    // The root span starts at the change (managedFields time) unless that change is older than the retention
    // (an object without generations, like a Node, or a crash long after a rollout): then at this first event.
    const recentChange = segment === 0 && root.sinceUs !== undefined && eventUs - root.sinceUs <= this.options.retainUs;
    const startUs = recentChange ? root.sinceUs : eventUs;
    const trace = newTrace(traceIdOf(...idParts), root.key, eventUs, true);
    // Diffed here, for a new root span only (see RootRef.changesOf).
    const changes =
      root.changes ??
      (root.changesOf !== undefined && root.changesAt !== undefined
        ? rootChanges(root.changesOf, root.changesAt)
        : undefined);
    const attributes = rootAttributes(root, segment, changes);
    const builtKey = objectKey(root);
    const actorKey = builtKey === sameKey ? sameKey : builtKey;
    const name = `${root.kind}.${root.operation}`;
    if (!recentChange && root.sinceUs !== undefined) attributes['kspan.root.changed_us'] = root.sinceUs;
    // Every field in SpanState's order, absent ones undefined: one shape with the event spans (buildSpan).
    const span: SpanState = {
      spanId: spanIdOf('root', ...idParts),
      trace,
      parent: undefined,
      externalParentId: undefined,
      name: this.options.strings?.intern(name) ?? name,
      startUs,
      lastUs: startUs,
      endedByNextUs: undefined,
      serviceName: root.manager,
      attributes,
      events: changes !== undefined && changes.length > 0 ? changeEvents(changes, startUs) : NO_EVENTS,
      error: false,
      reason: undefined,
      actorKey,
      // Never looked up: a root span is not in the recent-span index (no rule parents under it by key).
      objectKey: root.key,
      recent: undefined,
      event: undefined,
      eventUid: undefined,
      revision: undefined,
      scale: undefined,
      emitted: false,
    };
    this.traces.set(root.key, trace);
    this.add(span);
    return { trace, root: span };
  }

  /** The trace below an external parent span (a `topLevelSpan` annotation). */
  openExternal(traceId: string, spanId: string, eventUs: number): TraceState {
    return this.openKeyed(`tls:${traceId}:${spanId}`, () => traceId, eventUs);
  }

  /** A trace whose root is the event's own span (no synthesized root): trace ID = hash of `key`. */
  openOwn(key: string, eventUs: number): TraceState {
    return this.openKeyed(`own:${key}`, () => traceIdOf('own', key), eventUs);
  }

  /** The open trace at `rootKey`, or a new one with the trace ID `idOf` gives (no synthesized root span). */
  private openKeyed(rootKey: string, idOf: () => string, eventUs: number): TraceState {
    let trace = this.traces.get(rootKey);
    if (trace === undefined) {
      trace = newTrace(idOf(), rootKey, eventUs, false);
      this.traces.set(rootKey, trace);
      this.schedule(trace);
    }
    return trace;
  }

  /**
   * Adds a new span to its trace and to the recent-span index (`event`: the record of its Event, `record`: the
   * recent-span record of its object, if at hand).
   */
  add(span: SpanState, event?: EventSlot, record?: ObjectSpans): void {
    const reopened = span.trace.pending.length === 0;
    span.trace.pending = appended(span.trace.pending, span);
    span.trace.lastUs = Math.max(span.trace.lastUs, span.lastUs);
    if (reopened) this.schedule(span.trace);
    this.options.recent.add(span, event, record);
    this.pendingSpans += 1;
  }

  /**
   * Emits traces idle for the idle window and forgets those past retention, at time `nowUs`. The engine
   * calls it with its event clock (the newest placed event), so what is emitted when depends only on the
   * placement order, never on delivery timing.
   */
  flushIdle(nowUs: number): void {
    // Called whenever the event clock moves (nearly every event): most calls find nothing due.
    if (this.due.size > 0 && this.due.headUs <= nowUs) this.flushDue(nowUs);
    const before = nowUs - this.options.forgetUs;
    if (before <= this.segmentsFrontUs) return;
    let front = Number.POSITIVE_INFINITY;
    for (let slot = this.forgottenOrder.oldest; slot !== NO_SLOT; slot = this.forgottenOrder.oldest) {
      const last = this.forgotten.get(slot, LAST);
      if (last >= before) {
        front = last;
        break;
      }
      this.forgetSegments(slot);
    }
    this.segmentsFrontUs = front;
  }

  /** Emits and forgets the traces whose due entries are not after `nowUs`. */
  private flushDue(nowUs: number): void {
    const due: TraceState[] = [];
    const expired: TraceState[] = [];
    const { idleUs, retainUs, maxTraceUs } = this.options;
    while (this.due.size > 0 && this.due.headUs <= nowUs) {
      const trace = this.due.headItem as TraceState;
      const token = this.due.headToken;
      this.due.pop();
      if (trace.expired || trace.dueToken !== token) continue;
      const tooOld = nowUs - trace.openedUs >= maxTraceUs;
      if (tooOld || nowUs - trace.lastUs >= retainUs) expired.push(trace);
      else if (trace.pending.length > 0 && nowUs - trace.lastUs >= idleUs) due.push(trace);
      else this.schedule(trace);
    }
    this.emitAll(due);
    for (const t of due) this.schedule(t);
    for (const t of expired) this.expire(t, true);
  }

  /**
   * Keeps the spans held within `maxHeldSpans`: beyond it, the oldest traces (in the order they were opened) are
   * emitted and forgotten, down to 7/8 of the bound so that this runs once per many spans. Called between two
   * placements, so it depends on the placement order only.
   */
  shed(): void {
    const limit = this.options.maxHeldSpans;
    let held = this.pendingSpans + this.retainedSpans;
    if (held <= limit) return;
    const floor = limit - (limit >> 3);
    const victims: TraceState[] = [];
    for (const t of this.traces.values()) {
      if (held <= floor) break;
      victims.push(t);
      held -= t.pending.length + t.retained.length;
    }
    for (const t of victims) {
      this.options.diagnostics.add('span-capacity', `trace ${t.traceId} (${t.rootKey})`);
      this.expire(t, true);
    }
    // The victims' due entries would hold them (and in a flood, most of the queue) until their idle time.
    this.due.retain((trace, token) => !trace.expired && token === trace.dueToken);
  }

  /** Emits every pending span and forgets every trace (the end of the input: nothing is remembered). */
  flushAll(): void {
    const all = [...this.traces.values()];
    // Everything goes: the index and the queue at once rather than span by span.
    this.options.recent.clear();
    this.due.clear();
    this.traces.clear();
    for (const t of all) {
      t.expired = true;
      this.retainedSpans -= t.retained.length;
      t.retained = NO_SPANS;
    }
    // Each trace's span states are let go once it is emitted, so that a shutdown with every trace still open
    // holds the engine's spans or the sink's, not both at once.
    const open = all.filter((t) => t.pending.length > 0);
    all.length = 0;
    sortByOpening(open);
    for (let i = 0; i < open.length; i++) {
      const t = open[i] as TraceState;
      open[i] = EXPIRED;
      this.emit(t);
      this.retainedSpans -= t.retained.length;
      t.retained = NO_SPANS;
    }
  }

  private emitAll(traces: TraceState[]): void {
    sortByOpening(traces);
    for (const t of traces) this.emit(t);
  }

  private expire(trace: TraceState, remember: boolean): void {
    if (trace.pending.length > 0) this.emit(trace);
    trace.expired = true;
    this.traces.delete(trace.rootKey);
    // Only a root's trace opens by segment (openRoot); the others' counts would never be read.
    if (remember && trace.rooted) {
      const known = this.segments.get(trace.rootKey);
      const slot = known ?? this.forgotten.alloc();
      this.forgotten.set(slot, SEGMENTS, known === undefined ? 1 : this.forgotten.get(slot, SEGMENTS) + 1);
      this.forgotten.set(slot, LAST, trace.lastUs);
      // The newest forgotten now.
      if (known === undefined) this.segments.set(trace.rootKey, slot);
      else this.forgottenOrder.unlink(slot);
      this.forgottenOrder.append(slot);
      this.segmentsFrontUs = Number.NEGATIVE_INFINITY;
      this.forgetOldestSegments();
    }
    for (const s of trace.retained) this.options.recent.remove(s);
    this.retainedSpans -= trace.retained.length;
    trace.retained = NO_SPANS;
  }

  /** Keeps the forgotten roots within `maxHeldSpans`, as evictOldest does (their slots given back). */
  private forgetOldestSegments(): void {
    const capacity = this.options.maxHeldSpans;
    if (this.segments.size <= capacity) return;
    for (let n = this.segments.size - capacity + (capacity >> 3); n > 0; n--)
      this.forgetSegments(this.forgottenOrder.oldest);
  }

  /** Lets go of a forgotten root's count (its slot given back). */
  private forgetSegments(slot: number): void {
    this.forgottenOrder.unlink(slot);
    this.segments.deleteSlot(slot);
    this.forgotten.release(slot);
  }

  private emit(trace: TraceState): void {
    const spans = trace.pending;
    trace.pending = NO_SPANS;
    // The settled ends go in each span's endedByNextUs (a Map per emitted trace was two lookups a span): read only
    // while it is pending, and a pending parent is among `spans` (a span's parent is in its trace).
    for (const s of spans) s.endedByNextUs = Math.max(s.startUs, s.lastUs, s.endedByNextUs ?? 0);
    // Children are created after their parents, so a reverse pass settles every parent after all its children.
    for (let i = spans.length - 1; i >= 0; i--) {
      const s = spans[i] as SpanState;
      const p = s.parent;
      if (p !== undefined && !p.emitted && (s.endedByNextUs as number) > (p.endedByNextUs as number))
        p.endedByNextUs = s.endedByNextUs;
    }
    const out: KspanSpan[] = spans.map((s) => toSpan(s, s.endedByNextUs as number));
    out.sort(
      (a, b) =>
        a.startUs - b.startUs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.spanId < b.spanId ? -1 : 1),
    );
    for (const s of spans) {
      s.emitted = true;
      releaseEmitted(s);
    }
    trace.retained = trace.retained.length === 0 ? spans : trace.retained.concat(spans);
    const lastStart = out.length > 0 ? (out[out.length - 1] as KspanSpan).startUs : Number.NEGATIVE_INFINITY;
    if (lastStart > trace.emittedUntilUs) trace.emittedUntilUs = lastStart;
    this.pendingSpans -= spans.length;
    this.retainedSpans += spans.length;
    for (const span of out) this.options.sink.emit(span);
  }
}

function toSpan(s: SpanState, endUs: number): KspanSpan {
  return {
    traceId: s.trace.traceId,
    spanId: s.spanId,
    parentSpanId: s.parent?.spanId ?? s.externalParentId,
    name: s.name,
    startUs: s.startUs,
    endUs,
    serviceName: s.serviceName,
    // The span state no longer changes once emitted, so its containers are handed over rather than copied.
    attributes: s.attributes,
    events: s.events,
    status: s.error ? 'error' : 'unset',
    statusMessage: statusMessageOf(s),
    revision: s.revision,
  };
}

/** Stands in for a trace already let go in flushAll's list. */
const EXPIRED: TraceState = newTrace('', '', 0, false);

/** Traces in the order they are emitted together: opened first, then by trace ID. */
function sortByOpening(traces: TraceState[]): void {
  traces.sort((a, b) => a.openedUs - b.openedUs || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
}

/** A trace just opened at `eventUs`: nothing pending, nothing retained. */
function newTrace(traceId: string, rootKey: string, eventUs: number, rooted: boolean): TraceState {
  return {
    traceId,
    rootKey,
    openedUs: eventUs,
    lastUs: eventUs,
    pending: NO_SPANS,
    retained: NO_SPANS,
    expired: false,
    rooted,
    dueToken: 0,
    emittedUntilUs: Number.NEGATIVE_INFINITY,
  };
}
