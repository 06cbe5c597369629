import { describe, expect, it } from 'vitest';
import { Diagnostics } from './diagnostics.ts';
import { RecentSpans } from './recent-spans.ts';
import type { KspanSpan } from './span.ts';
import { TraceAssembler } from './trace-assembler.ts';

const ROOT = {
  key: 'uid-web:1',
  kind: 'Deployment',
  namespace: 'default',
  name: 'web',
  uid: 'uid-web',
  generation: 1,
  manager: 'kubectl',
  operation: 'Update',
} as const;

/** An assembler with short test windows: idle 1 s, retained 10 s, forgotten after 100 s. */
function assemblerOf(emit: (s: KspanSpan) => void, recent = new RecentSpans()): TraceAssembler {
  return new TraceAssembler({
    sink: { emit },
    recent,
    idleUs: 1_000_000,
    retainUs: 10_000_000,
    maxTraceUs: 60_000_000,
    maxHeldSpans: 100,
    forgetUs: 100_000_000,
    diagnostics: new Diagnostics(),
  });
}

describe('TraceAssembler', () => {
  it('lets go of an emitted span’s attributes and events, and keeps it as a candidate parent', () => {
    const emitted: KspanSpan[] = [];
    const recent = new RecentSpans();
    const assembler = assemblerOf((s) => emitted.push(s), recent);
    const { root } = assembler.openRoot(ROOT, 0);
    assembler.flushIdle(2_000_000);
    expect(emitted.map((s) => s.attributes['kspan.root'])).toEqual([true]);
    expect(root.emitted).toBe(true);
    expect(Object.keys(root.attributes)).toEqual([]);
    expect(root.events).toEqual([]);
    // A root span is found through its trace (openRoot below), never by key: it costs the index nothing.
    expect(recent.aboutObject(root.objectKey)).toEqual([]);
    expect(recent.aboutObject(root.actorKey)).toEqual([]);
    expect(assembler.retainedSpanCount).toBe(1);
    // An emitted span never changes: a write fails loudly instead of going nowhere.
    expect(() => {
      root.attributes['x'] = 1;
    }).toThrow(TypeError);
    // Still the root of its change: the same trace and root span are found again while retained.
    expect(assembler.openRoot(ROOT, 3_000_000).root).toBe(root);
  });

  it('forgets the roots’ segment counts in the order they were last forgotten, a root forgotten again moving to the end', () => {
    const assembler = assemblerOf(() => undefined);
    const a = { ...ROOT, key: 'uid-a:1', uid: 'uid-a', name: 'a' };
    const b = { ...ROOT, key: 'uid-b:1', uid: 'uid-b', name: 'b' };
    const a0 = assembler.openRoot(a, 0).trace.traceId;
    const b0 = assembler.openRoot(b, 5_000_000).trace.traceId;
    assembler.flushIdle(12_000_000); // a is forgotten (retention over), then b
    assembler.flushIdle(16_000_000);
    expect(assembler.forgottenRootCount).toBe(2);
    // a again: its second segment, forgotten at 30 s, after b now.
    const a1 = assembler.openRoot(a, 20_000_000).trace.traceId;
    expect(a1).not.toBe(a0);
    assembler.flushIdle(31_000_000);
    expect(assembler.forgottenRootCount).toBe(2);
    // b's last span (5 s) is past the object retention at 106 s, a's (20 s) is not: b alone is forgotten.
    assembler.flushIdle(106_000_000);
    expect(assembler.forgottenRootCount).toBe(1);
    expect(assembler.openRoot(b, 106_000_000).trace.traceId).toBe(b0);
    expect([a0, a1]).not.toContain(assembler.openRoot(a, 106_000_000).trace.traceId);
  });
});
