import { describe, expect, it } from 'vitest';
import { compareDelivery, recoverySeconds, type ExpectedSpans } from './expected-spans.ts';

const expected: ExpectedSpans = new Map([
  ['a', { traceId: 't1', dueMs: 1000 }],
  ['b', { traceId: 't1', dueMs: 1000 }],
  ['c', { traceId: 't2', dueMs: 5000 }],
]);
const traces = new Map([
  ['a', 't1'],
  ['b', 't1'],
  ['c', 't2'],
  ['x', 't9'],
]);

describe('compareDelivery', () => {
  it.each([
    ['everything once', { a: 1, b: 1, c: 1 }, { received: 3, duplicates: 0, lost: 0, unexpected: 0 }],
    ['one lost', { a: 1, c: 1 }, { received: 2, duplicates: 0, lost: 1, unexpected: 0 }],
    ['repeats counted per extra copy', { a: 3, b: 1, c: 2 }, { received: 3, duplicates: 3, lost: 0, unexpected: 0 }],
    [
      'a span the replay does not have',
      { a: 1, b: 1, c: 1, x: 1 },
      { received: 3, duplicates: 0, lost: 0, unexpected: 1 },
    ],
    ['nothing', {}, { received: 0, duplicates: 0, lost: 3, unexpected: 0 }],
  ])('%s', (_, counts, want) => {
    const got = compareDelivery(expected, new Map(Object.entries(counts)), traces);
    expect(got).toMatchObject({ expected: 3, ...want });
    expect(got.lostSample).toHaveLength(want.lost);
  });

  it('counts a span received in another trace than the replay put it in', () => {
    const got = compareDelivery(expected, new Map([['a', 1]]), new Map([['a', 't2']]));
    expect(got.wrongTrace).toBe(1);
  });
});

describe('recoverySeconds', () => {
  it.each([
    ['all on time', { a: 900, b: 1000, c: 5000 }, 0, 0],
    ['late after the fault ended', { a: 3000, b: 1000, c: 5000 }, 2000, 1],
    ['late against its own due time', { a: 900, b: 900, c: 7500 }, 2000, 2.5],
  ])('%s', (_, arrivals, faultEnd, want) => {
    expect(recoverySeconds(expected, new Map(Object.entries(arrivals)), faultEnd)).toBe(want);
  });

  it('is undefined while a span is missing', () => {
    expect(recoverySeconds(expected, new Map([['a', 1]]), 0)).toBeUndefined();
  });
});
