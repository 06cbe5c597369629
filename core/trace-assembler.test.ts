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

describe('TraceAssembler', () => {
  it('lets go of an emitted span’s attributes and events, and keeps it as a candidate parent', () => {
    const emitted: KspanSpan[] = [];
    const recent = new RecentSpans();
    const assembler = new TraceAssembler({
      sink: { emit: (s) => emitted.push(s) },
      recent,
      idleUs: 1_000_000,
      retainUs: 10_000_000,
      maxTraceUs: 60_000_000,
      maxHeldSpans: 100,
      forgetUs: 100_000_000,
      diagnostics: new Diagnostics(),
    });
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
});
