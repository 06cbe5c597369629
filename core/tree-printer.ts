import type { KspanSpan } from './span.ts';

/** Options of the tree printer. */
export interface TreeOptions {
  /** Show each span's start relative to its trace's root (default true). */
  readonly times?: boolean;
  /** Show the correlation rule that parented each span (default false). */
  readonly rules?: boolean;
  /** Show trace IDs in trace headers (default true). */
  readonly traceIds?: boolean;
  /** Show a root span's generation (default true). */
  readonly generations?: boolean;
  /** Show what a root span's change did to the spec, `{image nginx:1.25 → nginx:1.26}` (default true). */
  readonly changes?: boolean;
  /** Mark spans whose start was clamped to their parent's (default true). */
  readonly clampMarks?: boolean;
  /** Rewrites each span's label (e.g. generated name suffixes), after it is built. */
  readonly normalize?: (label: string) => string;
  /**
   * `traces` (default): a header per trace, children by start time, name, message. `canonical`: no headers
   * and no trace grouping, each root's subtree a block, siblings and blocks ordered by their rendered text,
   * so that the output does not depend on which of two identical Pods started first.
   */
  readonly layout?: 'traces' | 'canonical';
}

function text(a: KspanSpan): string {
  const m = a.attributes['kspan.event.message'];
  return typeof m === 'string' ? m : '';
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Start time, then name, then message (readable and independent of hashing), then span ID. */
export function compareSpans(a: KspanSpan, b: KspanSpan): number {
  return a.startUs - b.startUs || compare(a.name, b.name) || compare(text(a), text(b)) || compare(a.spanId, b.spanId);
}

/** Offsets whose text integer arithmetic gives exactly as toFixed(3) does (far below where doubles lose microseconds). */
const EXACT_US = 2 ** 40;

/**
 * `+S.mmms`: what `+${(us / 1_000_000).toFixed(3)}s` prints, without toFixed for whole microseconds (every span's
 * offset): the quotient rounds half up on its exact decimal value, so only a remainder of exactly 500 µs, where that
 * depends on which side of it the double fell, is left to toFixed.
 */
export function offsetSeconds(us: number): string {
  if (Number.isSafeInteger(us) && us >= 0 && us < EXACT_US) {
    const whole = Math.floor(us / 1000);
    const rest = us - whole * 1000;
    if (rest !== 500) {
      const ms = rest > 500 ? whole + 1 : whole;
      const s = Math.floor(ms / 1000);
      const frac = ms - s * 1000;
      return `+${s}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}s`;
    }
  }
  return `+${(us / 1_000_000).toFixed(3)}s`;
}

/** A span's line: its fields joined by two spaces, written as one concatenation rather than an array joined. */
function label(span: KspanSpan, rootStartUs: number, options: TreeOptions): string {
  const a = span.attributes;
  let line = `${span.name}  ${span.serviceName}`;
  if (a['kspan.root'] === true) {
    const ns = a['k8s.namespace.name'];
    line += `  ${typeof ns === 'string' ? `${ns}/` : ''}${String(a['kspan.object.name'])}`;
    if (options.generations !== false) line += `  gen ${String(a['kspan.object.generation'])}`;
    const changes = a['kspan.changes'];
    if (options.changes !== false && typeof changes === 'string' && changes !== '') line += `  {${changes}}`;
  } else {
    const message = a['kspan.event.message'];
    if (typeof message === 'string' && message !== '') line += `  ${JSON.stringify(message)}`;
  }
  const count = a['kspan.event.count'];
  if (typeof count === 'number' && count > 1) line += `  ×${count}`;
  if (span.status === 'error') line += '  [error]';
  const missing = a['kspan.subject.missing'];
  if (typeof missing === 'string') {
    const by = a['kspan.subject.identified_by'];
    line += `  [no ${missing.replace(',', ', no ')}${typeof by === 'string' ? `; identified by ${by}` : ''}]`;
  }
  if (options.clampMarks !== false && a['kspan.clamped'] === true) line += '  [clamped]';
  if (options.rules === true && a['kspan.root'] !== true) line += `  (${String(a['kspan.rule'])})`;
  if (options.times !== false) line += `  ${offsetSeconds(span.startUs - rootStartUs)}`;
  return options.normalize === undefined ? line : options.normalize(line);
}

/** Children by parent key, and the spans whose parent is not among `spans` (or is themselves). */
function index(spans: readonly KspanSpan[], keyOf: (traceId: string, spanId: string) => string) {
  const keys = new Set<string>();
  for (const s of spans) keys.add(keyOf(s.traceId, s.spanId));
  const children = new Map<string, KspanSpan[]>();
  const roots: KspanSpan[] = [];
  for (const s of spans) {
    const parent = s.parentSpanId === undefined ? undefined : keyOf(s.traceId, s.parentSpanId);
    if (parent !== undefined && s.parentSpanId !== s.spanId && keys.has(parent)) {
      const c = children.get(parent);
      if (c === undefined) children.set(parent, [s]);
      else c.push(s);
    } else {
      roots.push(s);
    }
  }
  return { children, roots };
}

/** The key of a span among the spans of one trace: its span ID itself (no key string built). */
const spanIdKey = (_traceId: string, spanId: string): string => spanId;

/** The connectors in front of a child's first line and of the lines below it; `last`: the last child. */
const LAST_CHILD = ['└─ ', '   '] as const;
const OTHER_CHILD = ['├─ ', '│  '] as const;

/** A subtree as lines: the span's label, then each child's subtree behind tree connectors. */
function subtree(
  span: KspanSpan,
  kidsOf: (span: KspanSpan) => readonly string[][],
  labelOf: (span: KspanSpan) => string,
): string[] {
  const lines = [labelOf(span)];
  const kids = kidsOf(span);
  kids.forEach((kid, i) => {
    const [first, rest] = i === kids.length - 1 ? LAST_CHILD : OTHER_CHILD;
    kid.forEach((line, j) => lines.push(`${j === 0 ? first : rest}${line}`));
  });
  return lines;
}

function canonical(spans: readonly KspanSpan[], options: TreeOptions): string {
  const keyOf = (traceId: string, spanId: string): string => `${traceId}/${spanId}`;
  const { children, roots } = index(spans, keyOf);
  const render = (span: KspanSpan): string[] =>
    subtree(
      span,
      (s) =>
        (children.get(keyOf(s.traceId, s.spanId)) ?? [])
          .map(render)
          .sort((a, b) => compare(a.join('\n'), b.join('\n'))),
      (s) => label(s, s.startUs, options),
    );
  const blocks = roots.map((r) => render(r).join('\n')).sort(compare);
  return `${blocks.join('\n\n')}\n`;
}

/**
 * Prints spans as readable trees, one span a line, children ordered by start time, name, then message.
 * Traces are ordered by their first span; a span whose parent is not among the spans is a root.
 * The same printer serves the CLI, the golden files and (in the canonical layout) the e2e assertions.
 */
export function printTrees(spans: readonly KspanSpan[], options: TreeOptions = {}): string {
  if (options.layout === 'canonical') return canonical(spans, options);
  const traceId = spans.length > 0 ? (spans[0] as KspanSpan).traceId : '';
  let oneTrace = true;
  for (let i = 1; i < spans.length && oneTrace; i++) oneTrace = (spans[i] as KspanSpan).traceId === traceId;
  // One trace (as the streaming printer hands them over, a trace at a time): no grouping to do.
  if (oneTrace) return spans.length === 0 ? '' : traceText(traceId, [...spans].sort(compareSpans), options);
  const byTrace = new Map<string, KspanSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list === undefined) byTrace.set(s.traceId, [s]);
    else list.push(s);
  }
  // Each list is this call's own: sorted in place.
  const traces = [...byTrace.entries()].map(([traceId, list]) => ({ traceId, list: list.sort(compareSpans) }));
  traces.sort(
    (a, b) => compareSpans(a.list[0] as KspanSpan, b.list[0] as KspanSpan) || (a.traceId < b.traceId ? -1 : 1),
  );
  let text = '';
  for (let i = 0; i < traces.length; i++) {
    const { traceId, list } = traces[i] as (typeof traces)[number];
    // Traces are separated by an empty line.
    text += i === 0 ? traceText(traceId, list, options) : `\n${traceText(traceId, list, options)}`;
  }
  return text;
}

/** One trace's lines (its spans sorted by compareSpans), each ending with a newline. */
function traceText(traceId: string, list: readonly KspanSpan[], options: TreeOptions): string {
  const { children, roots } = index(list, spanIdKey);
  const rootStart = (list[0] as KspanSpan).startUs;
  let text =
    options.traceIds === false ? `trace (${list.length} spans)\n` : `trace ${traceId} (${list.length} spans)\n`;
  // Each line is written once, behind the connectors of all its ancestors (`first` for its own line, `rest` for
  // its descendants'), rather than built per subtree and prefixed again at every level above it.
  const render = (span: KspanSpan, first: string, rest: string): void => {
    text += `${first}${label(span, rootStart, options)}\n`;
    const kids = children.get(span.spanId);
    if (kids === undefined) return;
    for (let i = 0; i < kids.length; i++) {
      const [first, below] = i === kids.length - 1 ? LAST_CHILD : OTHER_CHILD;
      render(kids[i] as KspanSpan, `${rest}${first}`, `${rest}${below}`);
    }
  };
  for (const r of roots) render(r, '', '');
  return text;
}
