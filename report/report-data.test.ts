import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../cli/scenarios-command.ts';
import { printTrees, replay, type InputRecord, type KspanSpan } from '../core/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import { reportTraces, type ReportTrace } from './report-data.ts';

function load(path: string): InputRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, path, i + 1) ?? []);
}

function span(id: string, parent: string | undefined, startS: number, name = `S.${id}`): KspanSpan {
  return {
    traceId: 't'.repeat(32),
    spanId: id,
    ...(parent !== undefined ? { parentSpanId: parent } : {}),
    name,
    startUs: startS * 1_000_000,
    endUs: (startS + 1) * 1_000_000,
    serviceName: 'svc',
    attributes: {},
    events: [],
    status: 'unset',
  };
}

/** Rows as "depth name" lines, the shape of the tree printer's output without its connectors. */
function outline(t: ReportTrace): string[] {
  return t.spans.map((s) => `${s.d} ${s.n}`);
}

/** Every row's subtree end: the rows before it are deeper, the row at it is not. */
function subtreesConsistent(t: ReportTrace): boolean {
  return t.spans.every(
    (s, i) =>
      s.x > i &&
      s.x <= t.spans.length &&
      t.spans.slice(i + 1, s.x).every((c) => c.d > s.d) &&
      (s.x === t.spans.length || (t.spans[s.x] as { d: number }).d <= s.d) &&
      (s.p === -1 || (t.spans[s.p] as { d: number }).d === s.d - 1),
  );
}

const scenarios = await listScenarios();

describe('reportTraces', () => {
  it.each([
    {
      name: 'children under parents, ordered by start',
      spans: [span('c', 'a', 2), span('a', undefined, 0), span('b', 'a', 1), span('d', 'b', 1)],
      rows: ['0 S.a', '1 S.b', '2 S.d', '1 S.c'],
    },
    {
      name: 'a span whose parent is missing is a root',
      spans: [span('a', undefined, 0), span('b', 'gone', 1)],
      rows: ['0 S.a', '0 S.b'],
    },
    {
      name: 'a parent cycle loses no span',
      spans: [span('a', 'b', 0), span('b', 'a', 1)],
      rows: ['0 S.a', '0 S.b'],
    },
    { name: 'a self-parented span is a root', spans: [span('a', 'a', 0)], rows: ['0 S.a'] },
  ])('$name', ({ spans, rows }) => {
    const [trace] = reportTraces(spans);
    expect(outline(trace as ReportTrace)).toEqual(rows);
    expect(subtreesConsistent(trace as ReportTrace)).toBe(true);
  });

  it('times are relative to the trace and the duration covers the last end', () => {
    const [trace] = reportTraces([span('a', undefined, 10), span('b', 'a', 12)]);
    expect(trace?.startUs).toBe(10_000_000);
    expect(trace?.durationUs).toBe(3_000_000);
    expect(trace?.spans.map((s) => [s.t0, s.t1])).toEqual([
      [0, 1_000_000],
      [2_000_000, 3_000_000],
    ]);
  });

  it('lays out a 10k-deep chain without recursion', () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => span(`s${i}`, i === 0 ? undefined : `s${i - 1}`, i));
    const [trace] = reportTraces(spans);
    expect(trace?.spans).toHaveLength(10_000);
    expect(trace?.spans[9999]?.d).toBe(9999);
    expect(trace?.spans[0]?.x).toBe(10_000);
  });

  it.each(scenarios.map((s) => [s.name, s.input]))(
    'scenario %s: same traces and order as the tree printer',
    (_name, input) => {
      const spans = replay(load(input), { windowMs: 5000 }).spans;
      const traces = reportTraces(spans);
      const printed = printTrees(spans, { times: false })
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('trace '))
        .map((l) => {
          // Reasons may carry dashes (OpenShift's `bootstrap-success`).
          const name = /[A-Za-z][\w.-]*/.exec(l)?.[0] ?? '';
          return `${(l.indexOf(name) / 3) | 0} ${name}`;
        });
      expect(traces.flatMap(outline)).toEqual(printed);
      expect(traces.every(subtreesConsistent)).toBe(true);
    },
  );
});
