import { compareSpans, type AttributeValue, type KspanSpan } from '../core/index.ts';

/** One span as the page draws it: a row of its trace, in tree (depth-first) order. Times relative to the trace. */
export interface ReportSpan {
  /** Span ID. */
  readonly id: string;
  /** Row index of the parent in the same trace, -1 for a root. */
  readonly p: number;
  /** Depth in the tree (0 for a root). */
  readonly d: number;
  /** Row index just past this span's subtree: rows p+1 … x-1 are its descendants. */
  readonly x: number;
  /** Name (`Kind.Reason`). */
  readonly n: string;
  /** Service (reporting component or field manager). */
  readonly s: string;
  /** Start and end, microseconds after the trace's first span. */
  readonly t0: number;
  readonly t1: number;
  /** Error status (a Warning event). */
  readonly e: boolean;
  /** Status message, for errors. */
  readonly sm?: string;
  readonly a: Readonly<Record<string, AttributeValue>>;
  /** Span events (repetitions, changes), times relative to the trace. */
  readonly ev: readonly {
    readonly n: string;
    readonly t: number;
    readonly a: Readonly<Record<string, AttributeValue>>;
  }[];
}

/** One trace of the report. */
export interface ReportTrace {
  readonly id: string;
  /** Absolute start of the first span, microseconds since the Unix epoch. */
  readonly startUs: number;
  /** From the first span's start to the last span's end, microseconds. */
  readonly durationUs: number;
  readonly spans: readonly ReportSpan[];
}

/** A failed golden check: the expected tree and the actual one. */
export interface ReportComparison {
  readonly golden: string;
  readonly expected: string;
  readonly actual: string;
}

/** Everything the page shows, as JSON. */
export interface ReportData {
  readonly title: string;
  readonly traces: readonly ReportTrace[];
  readonly comparison?: ReportComparison;
}

/**
 * Groups spans into traces and lays each out depth-first, siblings in the tree printer's order, so the page,
 * the terminal tree and the golden files agree. Traces are ordered by their first span, as the printer does.
 */
export function reportTraces(spans: readonly KspanSpan[]): ReportTrace[] {
  const byTrace = new Map<string, KspanSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list === undefined) byTrace.set(s.traceId, [s]);
    else list.push(s);
  }
  const traces = [...byTrace.entries()].map(([id, list]) => ({ id, list: list.slice().sort(compareSpans) }));
  traces.sort((a, b) => compareSpans(a.list[0] as KspanSpan, b.list[0] as KspanSpan) || (a.id < b.id ? -1 : 1));
  return traces.map(({ id, list }) => layOut(id, list));
}

function toRow(span: KspanSpan, parent: number, depth: number, traceStartUs: number): ReportSpan {
  return {
    id: span.spanId,
    p: parent,
    d: depth,
    x: 0, // set once the subtree is known
    n: span.name,
    s: span.serviceName,
    t0: span.startUs - traceStartUs,
    t1: Math.max(span.endUs, span.startUs) - traceStartUs,
    e: span.status === 'error',
    ...(span.statusMessage !== undefined ? { sm: span.statusMessage } : {}),
    a: span.attributes,
    ev: span.events.map((e) => ({ n: e.name, t: e.timeUs - traceStartUs, a: e.attributes })),
  };
}

function layOut(traceId: string, list: readonly KspanSpan[]): ReportTrace {
  const ids = new Set(list.map((s) => s.spanId));
  const children = new Map<string, KspanSpan[]>();
  const roots: KspanSpan[] = [];
  for (const s of list) {
    if (s.parentSpanId !== undefined && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const c = children.get(s.parentSpanId);
      if (c === undefined) children.set(s.parentSpanId, [s]);
      else c.push(s);
    } else {
      roots.push(s);
    }
  }
  const startUs = (list[0] as KspanSpan).startUs;
  let endUs = startUs;
  const rows: ReportSpan[] = [];
  // Iterative depth-first walk: a 10k-span trace must not depend on the call stack.
  const stack: { span: KspanSpan; parent: number; depth: number }[] = roots
    .slice()
    .reverse()
    .map((span) => ({ span, parent: -1, depth: 0 }));
  const open: { row: number; depth: number }[] = [];
  const ends: number[] = [];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const { span, parent, depth } = stack.pop() as { span: KspanSpan; parent: number; depth: number };
    if (seen.has(span.spanId)) continue; // a cycle in bad input: draw each span once
    seen.add(span.spanId);
    while (open.length > 0 && (open[open.length - 1] as { depth: number }).depth >= depth)
      ends[(open.pop() as { row: number }).row] = rows.length;
    const row = rows.length;
    open.push({ row, depth });
    endUs = Math.max(endUs, span.endUs);
    rows.push(toRow(span, parent, depth, startUs));
    const kids = children.get(span.spanId) ?? [];
    for (let i = kids.length - 1; i >= 0; i--)
      stack.push({ span: kids[i] as KspanSpan, parent: row, depth: depth + 1 });
  }
  for (const o of open) ends[o.row] = rows.length;
  // Spans whose parent chain loops never reach a root: append them as roots so none is lost.
  for (const s of list) {
    if (seen.has(s.spanId)) continue;
    seen.add(s.spanId);
    endUs = Math.max(endUs, s.endUs);
    ends[rows.length] = rows.length + 1;
    rows.push(toRow(s, -1, 0, startUs));
  }
  return {
    id: traceId,
    startUs,
    durationUs: endUs - startUs,
    spans: rows.map((r, i) => ({ ...r, x: ends[i] ?? i + 1 })),
  };
}
