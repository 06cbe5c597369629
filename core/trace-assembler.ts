import type { RootRef } from './correlation-rules.ts';
import { spanIdOf, traceIdOf } from './ids.ts';
import type { RecentSpans } from './recent-spans.ts';
import type { AttributeValue, KspanSpan } from './span.ts';
import type { SpanSink } from './span-sink.ts';
import type { SpanState, TraceState } from './span-state.ts';
import { SEMCONV_PREFIX } from './span-attributes.ts';

/** Settings of a TraceAssembler. */
export interface TraceAssemblerOptions {
  readonly sink: SpanSink;
  readonly recent: RecentSpans;
  readonly idleUs: number;
  readonly maxTraceUs: number;
}

/** Holds open traces, synthesizes root spans, and emits a trace once it is idle, with ends settled. */
export class TraceAssembler {
  private readonly open = new Map<string, TraceState>();
  /** Segments already emitted per root key: a root active again after its trace was emitted starts a new one. */
  private readonly segments = new Map<string, number>();
  private readonly options: TraceAssemblerOptions;
  private spanCount = 0;

  constructor(options: TraceAssemblerOptions) {
    this.options = options;
  }

  /** Number of open traces. */
  get openCount(): number {
    return this.open.size;
  }

  /** Number of spans in open traces. */
  get openSpanCount(): number {
    return this.spanCount;
  }

  /** The open trace of a root object's generation, creating it and its synthesized root span if needed. */
  openRoot(root: RootRef, eventUs: number): { trace: TraceState; root: SpanState } {
    const existing = this.open.get(root.key);
    if (existing !== undefined) return { trace: existing, root: existing.spans[0] as SpanState };
    const segment = this.segments.get(root.key) ?? 0;
    // trace ID = hash(root UID, generation); later segments of the same change add their number.
    const idParts: (string | number)[] = segment === 0 ? [root.uid, root.generation] : [root.uid, root.generation, segment];
    const startUs = segment === 0 && root.sinceUs !== undefined ? root.sinceUs : eventUs;
    const trace: TraceState = { traceId: traceIdOf(...idParts), rootKey: root.key, openedUs: startUs, lastUs: eventUs, spans: [], flushed: false };
    const attributes: Record<string, AttributeValue> = {};
    if (root.namespace !== '') attributes['k8s.namespace.name'] = root.namespace;
    const prefix = SEMCONV_PREFIX[root.kind];
    if (prefix !== undefined) {
      attributes[`${prefix}.name`] = root.name;
      attributes[`${prefix}.uid`] = root.uid;
    }
    attributes['k8s.object.kind'] = root.kind;
    attributes['k8s.object.name'] = root.name;
    attributes['k8s.object.uid'] = root.uid;
    attributes['k8s.object.generation'] = root.generation;
    attributes['k8s.field_manager'] = root.manager;
    attributes['k8s.operation'] = root.operation;
    attributes['kspan.root'] = true;
    attributes['kspan.rule'] = 'root-object';
    if (segment > 0) attributes['kspan.segment'] = segment;
    const span: SpanState = {
      spanId: spanIdOf('root', ...idParts), trace, name: `${root.kind}.${root.operation}`, startUs, lastUs: startUs,
      serviceName: root.manager, attributes, events: [], error: false,
      actorKey: `${root.kind}/${root.namespace}/${root.name}`, objectKey: `root:${root.key}`, count: 1, droppedRepeats: 0,
    };
    this.open.set(root.key, trace);
    this.add(span);
    return { trace, root: span };
  }

  /** The open trace below an external parent span (a `topLevelSpan` annotation). */
  openExternal(traceId: string, spanId: string, eventUs: number): TraceState {
    const key = `tls:${traceId}:${spanId}`;
    let trace = this.open.get(key);
    if (trace === undefined) {
      trace = { traceId, rootKey: key, openedUs: eventUs, lastUs: eventUs, spans: [], flushed: false };
      this.open.set(key, trace);
    }
    return trace;
  }

  /** Adds a new span to its trace and to the recent-span index. */
  add(span: SpanState): void {
    span.trace.spans.push(span);
    span.trace.lastUs = Math.max(span.trace.lastUs, span.lastUs);
    this.options.recent.add(span);
    this.spanCount += 1;
  }

  /** Emits every trace idle for the idle window (or older than the maximum) at receive time `nowUs`. */
  flushIdle(nowUs: number): void {
    const due: TraceState[] = [];
    for (const trace of this.open.values()) {
      if (nowUs - trace.lastUs >= this.options.idleUs || nowUs - trace.openedUs >= this.options.maxTraceUs) due.push(trace);
    }
    this.emitAll(due);
  }

  /** Emits every open trace. */
  flushAll(): void {
    this.emitAll([...this.open.values()]);
  }

  private emitAll(traces: TraceState[]): void {
    traces.sort((a, b) => a.openedUs - b.openedUs || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
    for (const t of traces) this.emit(t);
  }

  private emit(trace: TraceState): void {
    trace.flushed = true;
    this.open.delete(trace.rootKey);
    this.segments.set(trace.rootKey, (this.segments.get(trace.rootKey) ?? 0) + 1);
    const ends = new Map<SpanState, number>();
    for (const s of trace.spans) ends.set(s, Math.max(s.startUs, s.lastUs, s.endedByNextUs ?? 0));
    // Children are created after their parents, so a reverse pass settles every parent after all its children.
    for (let i = trace.spans.length - 1; i >= 0; i--) {
      const s = trace.spans[i] as SpanState;
      if (s.parent !== undefined && s.parent.trace === trace) {
        ends.set(s.parent, Math.max(ends.get(s.parent) ?? 0, ends.get(s) ?? 0));
      }
    }
    const out: KspanSpan[] = trace.spans.map((s) => toSpan(s, ends.get(s) ?? s.startUs));
    out.sort((a, b) => a.startUs - b.startUs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.spanId < b.spanId ? -1 : 1));
    for (const s of trace.spans) this.options.recent.remove(s);
    this.spanCount -= trace.spans.length;
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
    // The span state is dropped after emission, so its containers are handed over rather than copied.
    attributes: s.attributes,
    events: s.events,
    status: s.error ? 'error' : 'unset',
    statusMessage: s.statusMessage,
  };
}
