import { describe, expect, it } from 'vitest';
import { revisionOf } from './revision.ts';

describe('revisionOf', () => {
  it.each([
    ['12345', 12345],
    ['007', 7],
    ['0', 0],
    ['999999999999999', 999_999_999_999_999],
    ['1000000000000000', undefined],
    ['', undefined],
    ['12a', undefined],
    [' 12', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    [12, undefined],
    [undefined, undefined],
  ])('%j → %j', (input, expected) => {
    expect(revisionOf(input)).toBe(expected);
  });
});
