import { describe, expect, it } from 'vitest';
import { Engine, type KspanSpan } from '../core/index.ts';
import { recordStream } from '../simulator/record-stream.ts';
import { ExportLedger, parseCheckpoint } from './export-ledger.ts';
import type { QueuedSpan } from './span-export-queue.ts';
import { kspanSpan } from './test-support/spans.ts';
import { VirtualClock } from './test-support/virtual-clock.ts';

const traceA = 'a'.repeat(32);
const traceB = 'b'.repeat(32);

function ledger(clock = new VirtualClock(), over: { maxTraces?: number } = {}) {
  const forwarded: QueuedSpan[] = [];
  let skipped = 0;
  const l = new ExportLedger({
    clock,
    forward: (item) => forwarded.push(item),
    onAlreadyExported: () => skipped++,
    ...over,
  });
  return { l, forwarded, skipped: () => skipped, clock };
}

describe('ExportLedger', () => {
  it('numbers the spans of each trace in emission order and forwards them', () => {
    const { l, forwarded } = ledger();
    l.emit(kspanSpan('a0', traceA));
    l.emit(kspanSpan('b0', traceB));
    l.emit(kspanSpan('a1', traceA));
    expect(forwarded.map((f) => `${f.span.name}@${f.index}`)).toEqual(['a0@0', 'b0@0', 'a1@1']);
  });

  it('after merging a checkpoint, skips the first spans of each trace it covers and forwards the rest', () => {
    const old = ledger();
    old.l.emit(kspanSpan('a0', traceA));
    old.l.emit(kspanSpan('a1', traceA));
    old.l.emit(kspanSpan('b0', traceB));
    old.l.exported(old.forwarded.slice(0, 2)); // a0, a1 exported; b0 was still queued when the process died
    const next = ledger();
    expect(next.l.hasCheckpoint).toBe(false);
    expect(next.l.merge(old.l.checkpoint())).toBe(true);
    expect(next.l.hasCheckpoint).toBe(true);
    for (const name of ['a0', 'a1', 'a2']) next.l.emit(kspanSpan(name, traceA));
    next.l.emit(kspanSpan('b0', traceB));
    expect(next.forwarded.map((f) => f.span.name)).toEqual(['a2', 'b0']);
    expect(next.skipped()).toBe(2);
    expect(next.l.covers({ span: kspanSpan('x', traceA), index: 1 })).toBe(true);
    expect(next.l.covers({ span: kspanSpan('x', traceA), index: 2 })).toBe(false);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['another version', 'v9|1714926120|AAAAAAAAAAA:1:0'],
    ['garbage', '{"not":"a checkpoint"}'],
  ])('ignores a checkpoint that is %s', (_, text) => {
    const { l } = ledger();
    expect(l.merge(text)).toBe(false);
    expect(l.hasCheckpoint).toBe(false);
  });

  it('counts the spans exported since the checkpoint that was last stored', () => {
    const { l, forwarded } = ledger();
    for (const name of ['a0', 'a1', 'a2']) l.emit(kspanSpan(name, traceA));
    l.exported(forwarded.slice(0, 2));
    expect(l.unrecorded).toBe(2);
    l.checkpoint(); // a write starts with this snapshot…
    l.exported(forwarded.slice(2)); // …while another batch commits
    expect(l.unrecorded).toBe(3);
    l.stored(); // the write succeeded: it covers the first two only
    expect(l.unrecorded).toBe(1);
    l.checkpoint();
    expect(l.unrecorded).toBe(1); // a snapshot that was not stored (the write failed) counts for nothing
    l.stored();
    expect(l.unrecorded).toBe(0);
  });

  it('skips unreadable entries of a checkpoint and keeps the others', () => {
    const now = Date.UTC(2024, 4, 5, 16, 22, 0);
    expect(parseCheckpoint(`v1|${now / 1000}|AAAAAAAAAAA:a:0,bad,BBBBBBBBBBB:0:0,CCCCCCCCCCC:2:1`, now)).toEqual([
      { key: 'AAAAAAAAAAA', covered: 10, touchedMs: now },
      { key: 'CCCCCCCCCCC', covered: 2, touchedMs: now - 60_000 },
    ]);
  });

  it('stays bounded: forgets traces untouched for the retention, and the oldest beyond its trace bound', async () => {
    const { l, clock } = ledger(new VirtualClock(), { maxTraces: 100 });
    const emitAndExport = (t: number) => {
      const traceId = t.toString(16).padStart(16, '0').padEnd(32, 'f');
      l.emit(kspanSpan(`s${t}`, traceId));
      l.exported([{ span: kspanSpan(`s${t}`, traceId), index: 0 }]);
    };
    for (let t = 0; t < 50; t++) emitAndExport(t);
    await clock.advance(76 * 60_000, 60_000);
    for (let t = 50; t < 60; t++) emitAndExport(t);
    expect(parseCheckpoint(l.checkpoint(), clock.now())).toHaveLength(10); // the first 50 are past retention
    for (let t = 60; t < 400; t++) emitAndExport(t);
    const entries = parseCheckpoint(l.checkpoint(), clock.now()) ?? [];
    expect(entries.length).toBe(100);
    expect(l.size).toBe(100);
    expect(l.checkpoint().length).toBeLessThan(100 * 20); // ~16 characters a trace
  });

  describe('a restart rebuilds from the re-listed Events and exports exactly what the old process had not', () => {
    const records = [...recordStream({ events: 3000, seed: 7 })];
    const engineOptions = { windowMs: 5000, idleMs: 30_000 };
    const reference = (): KspanSpan[] => {
      const spans: KspanSpan[] = [];
      const engine = new Engine({ ...engineOptions, sink: { emit: (s) => spans.push(s) } });
      for (const r of records) engine.push(r);
      engine.close();
      return spans;
    };

    it.each([0.3, 0.55, 0.8])('killed after %s of the input', (share) => {
      const clock = new VirtualClock();
      const cut = Math.floor(records.length * share);
      // The old process: everything it emitted was exported except what was still queued (the last 40 spans).
      const old = ledger(clock);
      const oldEngine = new Engine({ ...engineOptions, sink: old.l });
      for (const r of records.slice(0, cut)) oldEngine.push(r);
      const exportedByOld = old.forwarded.slice(0, Math.max(0, old.forwarded.length - 40));
      old.l.exported(exportedByOld);
      expect(exportedByOld.length).toBeGreaterThan(0);
      // kill -9: no close(), the open traces are lost with the process. The new one reads the checkpoint…
      const next = ledger(clock);
      next.l.merge(old.l.checkpoint());
      const nextEngine = new Engine({ ...engineOptions, sink: next.l });
      // …and the re-list hands it every Event the API still keeps (all of them here), then the watch goes on.
      for (const r of records) nextEngine.push(r);
      nextEngine.close();
      const all = [...exportedByOld, ...next.forwarded].map((f) => f.span.spanId);
      const expected = reference().map((s) => s.spanId);
      expect(new Set(all).size).toBe(all.length); // no duplicates
      expect([...all].sort()).toEqual([...expected].sort()); // nothing lost
      expect(next.skipped()).toBe(exportedByOld.length);
    });
  });
});
