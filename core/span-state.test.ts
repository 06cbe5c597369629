import { describe, expect, it } from 'vitest';
import type { InputRecord } from './input-record.ts';
import { replay } from './replay.ts';
import { ev, obj } from './test-support/records.ts';

/** What SpanState no longer keeps in fields of its own (derived at emission), as the emitted spans show it. */
describe('derived span state', () => {
  const pod = obj(0, 'Pod', 'web-a');
  it.each([
    { type: 'Warning', status: 'error', statusMessage: 'Back-off restarting failed container' },
    { type: 'Normal', status: 'unset', statusMessage: undefined },
  ])('a $type event: status $status, status message $statusMessage (the first message, not the last)', (c) => {
    const { spans } = replay([
      pod,
      ev(1, 'b1', 'Pod', 'web-a', 'BackOff', 'Back-off restarting failed container', { type: c.type }),
      ev(2, 'b1', 'Pod', 'web-a', 'BackOff', 'Back-off again', { type: c.type, count: 2, first: 1 }),
    ]);
    const span = spans.find((s) => s.attributes['kspan.event.uid'] === 'b1');
    expect(span).toMatchObject({ status: c.status, statusMessage: c.statusMessage });
    expect(span?.attributes).toMatchObject({ 'kspan.event.count': 2, 'kspan.event.last_message': 'Back-off again' });
  });

  it('counts the repetitions beyond maxRepeatEvents in kspan.repeats_not_shown, and the root span is the synthesized one', () => {
    const records: InputRecord[] = [pod];
    for (let n = 1; n <= 6; n++)
      records.push(ev(n, 'b1', 'Pod', 'web-a', 'BackOff', 'Back-off', { count: n, first: 1 }));
    const { spans } = replay(records, { maxRepeatEvents: 2 });
    const span = spans.find((s) => s.attributes['kspan.event.uid'] === 'b1');
    // 6 occurrences: the span, 5 repetitions, 2 shown.
    expect(span?.events).toHaveLength(2);
    expect(span?.attributes).toMatchObject({ 'kspan.repeats_not_shown': 3, 'kspan.event.count': 6 });
    const roots = spans.filter((s) => s.attributes['kspan.root'] === true);
    expect(roots).toHaveLength(1);
    expect(span?.parentSpanId).toBe(roots[0]?.spanId);
  });
});
