import type { ParentChoice, RootRef } from './correlation-rule.ts';
import { spanIdOf, traceIdOf } from './ids.ts';
import { pairKeyOf, type RecentSpans } from './recent-spans.ts';
import type { KspanSpan } from './span.ts';
import { rootAttributes } from './span-attributes.ts';
import type { SpanSink } from './span-sink.ts';
import type { SpanState, TraceState } from './span-state.ts';
import { ReorderBuffer } from './reorder-buffer.ts';
import { changeEvents } from './root-changes.ts';

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
}

/**
 * Holds traces, synthesizes root spans, and emits a trace's spans once it is idle, with ends settled.
 * Emitted spans stay in the index for the retention window, so a late child still joins its trace.
 */
export class TraceAssembler {
  private readonly traces = new Map<string, TraceState>();
  /** Segments already forgotten per root key: a root active again after that starts a new one. */
  private readonly segments = new Map<string, number>();
  private readonly options: TraceAssemblerOptions;
  private pendingSpans = 0;
  /**
   * When each trace may next need emitting or forgetting. Entries go stale when a trace gets a newer entry
   * (its token changes) or moves on; a popped entry is checked against the trace and re-queued if early.
   */
  private readonly due = new ReorderBuffer<{
    readonly atUs: number;
    readonly trace: TraceState;
    readonly token: number;
  }>((a, b) => a.atUs - b.atUs);
  private readonly tokens = new WeakMap<TraceState, number>();

  constructor(options: TraceAssemblerOptions) {
    this.options = options;
  }

  /** Number of traces held (open or retained). */
  get openCount(): number {
    return this.traces.size;
  }

  /** Number of spans not emitted yet. */
  get openSpanCount(): number {
    return this.pendingSpans;
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
    const token = (this.tokens.get(trace) ?? 0) + 1;
    this.tokens.set(trace, token);
    this.due.push({ atUs: this.dueAt(trace), trace, token });
  }

  /** The trace (and parent span) a parent choice puts a new span in, opening the trace if needed. */
  traceFor(
    choice: ParentChoice,
    eventUs: number,
  ): { trace: TraceState; parent: SpanState | undefined; externalParentId: string | undefined } {
    if ('span' in choice) return { trace: choice.span.trace, parent: choice.span, externalParentId: undefined };
    if ('external' in choice) {
      const { traceId, spanId } = choice.external;
      return { trace: this.openExternal(traceId, spanId, eventUs), parent: undefined, externalParentId: spanId };
    }
    const opened = this.openRoot(choice.root, eventUs);
    return { trace: opened.trace, parent: opened.root, externalParentId: undefined };
  }

  /** The trace of a root object's generation, creating it and its synthesized root span if needed. */
  openRoot(root: RootRef, eventUs: number): { trace: TraceState; root: SpanState } {
    const existing = this.traces.get(root.key);
    const existingRoot =
      existing?.pending[0]?.attributes['kspan.root'] === true ? existing.pending[0] : existing?.retained[0];
    if (existing !== undefined && existingRoot !== undefined) return { trace: existing, root: existingRoot };
    const segment = this.segments.get(root.key) ?? 0;
    // trace ID = hash(root UID, generation); later segments of the same change add their number.
    const idParts: (string | number)[] =
      segment === 0 ? [root.uid, root.generation] : [root.uid, root.generation, segment];
    // The root span starts at the change (managedFields time) unless that change is older than the retention
    // (an object without generations, like a Node, or a crash long after a rollout): then at this first event.
    const recentChange = segment === 0 && root.sinceUs !== undefined && eventUs - root.sinceUs <= this.options.retainUs;
    const startUs = recentChange ? root.sinceUs : eventUs;
    const trace: TraceState = {
      traceId: traceIdOf(...idParts),
      rootKey: root.key,
      openedUs: eventUs,
      lastUs: eventUs,
      pending: [],
      retained: [],
      expired: false,
    };
    const attributes = rootAttributes(root, segment);
    if (!recentChange && root.sinceUs !== undefined) attributes['kspan.root.changed_us'] = root.sinceUs;
    const span: SpanState = {
      spanId: spanIdOf('root', ...idParts),
      trace,
      name: `${root.kind}.${root.operation}`,
      startUs,
      lastUs: startUs,
      serviceName: root.manager,
      attributes,
      events: changeEvents(root.changes ?? [], startUs),
      error: false,
      actorKey: `${root.kind}/${root.namespace}/${root.name}`,
      objectKey: `root:${root.key}`,
      pairKey: pairKeyOf(`${root.kind}/${root.namespace}/${root.name}`, `root:${root.key}`),
      count: 1,
      droppedRepeats: 0,
      emitted: false,
    };
    this.traces.set(root.key, trace);
    this.add(span);
    return { trace, root: span };
  }

  /** The trace below an external parent span (a `topLevelSpan` annotation). */
  openExternal(traceId: string, spanId: string, eventUs: number): TraceState {
    const key = `tls:${traceId}:${spanId}`;
    let trace = this.traces.get(key);
    if (trace === undefined) {
      trace = { traceId, rootKey: key, openedUs: eventUs, lastUs: eventUs, pending: [], retained: [], expired: false };
      this.traces.set(key, trace);
      this.schedule(trace);
    }
    return trace;
  }

  /** Adds a new span to its trace and to the recent-span index. */
  add(span: SpanState): void {
    const reopened = span.trace.pending.length === 0;
    span.trace.pending.push(span);
    span.trace.lastUs = Math.max(span.trace.lastUs, span.lastUs);
    if (reopened) this.schedule(span.trace);
    this.options.recent.add(span);
    this.pendingSpans += 1;
  }

  /**
   * Emits traces idle for the idle window and forgets those past retention, at time `nowUs`. The engine
   * calls it with its event clock (the newest placed event), so what is emitted when depends only on the
   * placement order, never on delivery timing.
   */
  flushIdle(nowUs: number): void {
    const due: TraceState[] = [];
    const expired: TraceState[] = [];
    const { idleUs, retainUs, maxTraceUs } = this.options;
    for (let head = this.due.peek(); head !== undefined && head.atUs <= nowUs; head = this.due.peek()) {
      this.due.pop();
      const trace = head.trace;
      if (trace.expired || this.tokens.get(trace) !== head.token) continue;
      const tooOld = nowUs - trace.openedUs >= maxTraceUs;
      if (tooOld || nowUs - trace.lastUs >= retainUs) expired.push(trace);
      else if (trace.pending.length > 0 && nowUs - trace.lastUs >= idleUs) due.push(trace);
      else this.schedule(trace);
    }
    this.emitAll(due);
    for (const t of due) this.schedule(t);
    for (const t of expired) this.expire(t);
  }

  /** Emits every pending span and forgets every trace. */
  flushAll(): void {
    const all = [...this.traces.values()];
    this.emitAll(all.filter((t) => t.pending.length > 0));
    for (const t of all) this.expire(t);
  }

  private emitAll(traces: TraceState[]): void {
    traces.sort((a, b) => a.openedUs - b.openedUs || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
    for (const t of traces) this.emit(t);
  }

  private expire(trace: TraceState): void {
    if (trace.pending.length > 0) this.emit(trace);
    trace.expired = true;
    this.traces.delete(trace.rootKey);
    this.segments.set(trace.rootKey, (this.segments.get(trace.rootKey) ?? 0) + 1);
    for (const s of trace.retained) this.options.recent.remove(s);
    trace.retained = [];
  }

  private emit(trace: TraceState): void {
    const spans = trace.pending;
    trace.pending = [];
    const ends = new Map<SpanState, number>();
    for (const s of spans) ends.set(s, Math.max(s.startUs, s.lastUs, s.endedByNextUs ?? 0));
    // Children are created after their parents, so a reverse pass settles every parent after all its children.
    for (let i = spans.length - 1; i >= 0; i--) {
      const s = spans[i] as SpanState;
      if (s.parent !== undefined && !s.parent.emitted)
        ends.set(s.parent, Math.max(ends.get(s.parent) ?? 0, ends.get(s) ?? 0));
    }
    const out: KspanSpan[] = spans.map((s) => toSpan(s, ends.get(s) ?? s.startUs));
    out.sort(
      (a, b) =>
        a.startUs - b.startUs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.spanId < b.spanId ? -1 : 1),
    );
    for (const s of spans) {
      s.emitted = true;
      trace.retained.push(s);
    }
    this.pendingSpans -= spans.length;
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
    statusMessage: s.statusMessage,
  };
}
