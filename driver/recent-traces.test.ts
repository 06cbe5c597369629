import { describe, expect, it } from 'vitest';
import type { KspanSpan } from '../core/index.ts';
import { RecentTraces } from './recent-traces.ts';

function span(traceId: string, spanId: string): KspanSpan {
  return {
    traceId,
    spanId,
    name: 'Pod.Started',
    serviceName: 'kubelet',
    startUs: 0,
    endUs: 1,
    attributes: {},
    events: [],
    status: 'unset',
  };
}

describe('RecentTraces', () => {
  it('keeps whole traces and drops the oldest once over the bound', () => {
    const recent = new RecentTraces(4);
    for (const [t, s] of [
      ['a', '1'],
      ['a', '2'],
      ['b', '3'],
      ['b', '4'],
      ['c', '5'],
    ])
      recent.add(span(t as string, s as string));
    expect(recent.spans().map((s) => s.spanId)).toEqual(['3', '4', '5']);
    expect(recent.size).toBe(3);
    expect(recent.traceCount).toBe(2);
  });

  it('never drops the trace a span is being added to', () => {
    const recent = new RecentTraces(2);
    for (const s of ['1', '2', '3']) recent.add(span('big', s));
    expect(recent.size).toBe(3);
    recent.add(span('next', '4'));
    expect(recent.spans().map((s) => s.spanId)).toEqual(['4']);
  });

  it('holds no more than its bound over a long run', () => {
    const recent = new RecentTraces(100);
    for (let i = 0; i < 10_000; i++) recent.add(span(`t${Math.floor(i / 7)}`, String(i)));
    expect(recent.size).toBeLessThanOrEqual(100);
    expect(recent.spans().at(-1)?.spanId).toBe('9999');
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new RecentTraces(0)).toThrow(/positive integer/);
  });
});
