import { describe, expect, it } from 'vitest';
import type { KspanSpan } from '../core/index.ts';
import { encodeTraceRequest } from './otlp-json.ts';
import { OtlpJsonLines } from './otlp-json-lines.ts';

function trace(t: number, spans: number): KspanSpan[] {
  return Array.from({ length: spans }, (_, i) => ({
    traceId: t.toString(16).padStart(32, '0'),
    spanId: (t * 1000 + i).toString(16).padStart(16, '0'),
    name: 'Pod.Started',
    startUs: 1_000_000 + i,
    endUs: 2_000_000,
    serviceName: i % 2 === 0 ? 'kubelet' : 'default-scheduler',
    attributes: { n: i },
    events: [],
    status: 'unset',
  }));
}

interface Request {
  resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[];
}
const spansOf = (line: string): { traceId: string; spanId: string }[] =>
  (JSON.parse(line) as Request).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));

/** The lines written so far (each ends with its newline); `chunks`: the buffers the writer was given. */
function recorder(): { out: OtlpJsonLines; lines: string[]; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const lines: string[] = [];
  let pending = '';
  const out = new OtlpJsonLines((bytes) => {
    chunks.push(bytes);
    pending += bytes.toString('utf8');
    // A line's last chunk ends with its newline: lines go out whole, never half a line waiting for the next.
    if (pending.endsWith('\n')) {
      lines.push(...pending.split(/(?<=\n)/));
      pending = '';
    }
  });
  return { out, lines, chunks };
}

describe('OtlpJsonLines', () => {
  it('writes a line of at least 512 spans as soon as the next trace begins, never splitting a trace', () => {
    const { out, lines, chunks } = recorder();
    const traces = [trace(1, 300), trace(2, 300), trace(3, 5), trace(4, 600), trace(5, 1)];
    for (const s of traces[0]!) out.emit(s);
    for (const s of traces[1]!) out.emit(s);
    expect(lines).toHaveLength(0);
    out.emit(traces[2]![0]!);
    expect(lines).toHaveLength(1); // 600 spans of traces 1 and 2, written before trace 3 is complete
    for (const s of traces[2]!.slice(1)) out.emit(s);
    for (const s of traces[3]!) out.emit(s);
    for (const s of traces[4]!) out.emit(s);
    out.flush();
    expect(lines.map((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toEqual([true, true, true]);
    expect(lines.map((l) => new Set(spansOf(l).map((s) => s.traceId)).size)).toEqual([2, 2, 1]);
    // Inside a line spans are grouped by service; across lines they keep emission order.
    expect(
      lines.map((l) =>
        spansOf(l)
          .map((s) => s.spanId)
          .sort(),
      ),
    ).toEqual(
      [[...traces[0]!, ...traces[1]!], [...traces[2]!, ...traces[3]!], traces[4]!].map((t) =>
        t.map((s) => s.spanId).sort(),
      ),
    );
    expect(lines[0]).toBe(`${encodeTraceRequest([...traces[0]!, ...traces[1]!])}\n`);
    // In chunks of 64 KiB at most, each a buffer of its own.
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(1 << 16);
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
  });

  it('writes nothing for no spans', () => {
    const { out, chunks } = recorder();
    out.flush();
    expect(chunks).toEqual([]);
  });
});
