import type { KspanSpan } from './span.ts';

/** Options of the tree printer. */
export interface TreeOptions {
  /** Show each span's start relative to its trace's root (default true). */
  readonly times?: boolean;
  /** Show the correlation rule that parented each span (default false). */
  readonly rules?: boolean;
  /** Show trace IDs in trace headers (default true). */
  readonly traceIds?: boolean;
}

function text(a: KspanSpan): string {
  const m = a.attributes['k8s.event.message'];
  return typeof m === 'string' ? m : '';
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Start time, then name, then message (readable and independent of hashing), then span ID. */
export function compareSpans(a: KspanSpan, b: KspanSpan): number {
  return a.startUs - b.startUs || compare(a.name, b.name) || compare(text(a), text(b)) || compare(a.spanId, b.spanId);
}

function seconds(us: number): string {
  return `+${(us / 1_000_000).toFixed(3)}s`;
}

function label(span: KspanSpan, rootStartUs: number, options: TreeOptions): string {
  const a = span.attributes;
  const parts = [span.name, span.serviceName];
  if (a['kspan.root'] === true) {
    const ns = a['k8s.namespace.name'];
    parts.push(
      `${typeof ns === 'string' ? `${ns}/` : ''}${String(a['k8s.object.name'])}`,
      `gen ${String(a['k8s.object.generation'])}`,
    );
  } else {
    const message = a['k8s.event.message'];
    if (typeof message === 'string' && message !== '') parts.push(JSON.stringify(message));
  }
  const count = a['k8s.event.count'];
  if (typeof count === 'number' && count > 1) parts.push(`×${count}`);
  if (span.status === 'error') parts.push('[error]');
  if (a['kspan.clamped'] === true) parts.push('[clamped]');
  if (options.rules === true && a['kspan.root'] !== true) parts.push(`(${String(a['kspan.rule'])})`);
  if (options.times !== false) parts.push(seconds(span.startUs - rootStartUs));
  return parts.join('  ');
}

/**
 * Prints spans as readable trees, one span a line, children ordered by start time, name, then message.
 * Traces are ordered by their first span; a span whose parent is not among the spans is a root.
 */
export function printTrees(spans: readonly KspanSpan[], options: TreeOptions = {}): string {
  const byTrace = new Map<string, KspanSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list === undefined) byTrace.set(s.traceId, [s]);
    else list.push(s);
  }
  const traces = [...byTrace.entries()].map(([traceId, list]) => ({ traceId, list: list.slice().sort(compareSpans) }));
  traces.sort(
    (a, b) => compareSpans(a.list[0] as KspanSpan, b.list[0] as KspanSpan) || (a.traceId < b.traceId ? -1 : 1),
  );
  const lines: string[] = [];
  for (const { traceId, list } of traces) {
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
    const rootStart = (list[0] as KspanSpan).startUs;
    lines.push(options.traceIds === false ? `trace (${list.length} spans)` : `trace ${traceId} (${list.length} spans)`);
    const walk = (span: KspanSpan, prefix: string, connector: string, childPrefix: string): void => {
      lines.push(`${prefix}${connector}${label(span, rootStart, options)}`);
      const kids = children.get(span.spanId) ?? [];
      kids.forEach((kid, i) => {
        const last = i === kids.length - 1;
        walk(kid, prefix + childPrefix, last ? '└─ ' : '├─ ', last ? '   ' : '│  ');
      });
    };
    for (const r of roots) walk(r, '', '', '');
    lines.push('');
  }
  return lines.join('\n');
}
