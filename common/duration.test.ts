import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs } from './duration.ts';
import { UserError } from './user-error.ts';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 5s ', 5000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDurationMs(text, '--window')).toBe(ms);
  });

  it.each(['', '5 s', '-1s', '5d', 'abc', '250'])('refuses %j with a one-line user error naming the flag', (text) => {
    expect(() => parseDurationMs(text, '--idle')).toThrow(UserError);
    expect(() => parseDurationMs(text, '--idle')).toThrow(/^--idle: expected a duration like 5s/);
  });
});

describe('formatDurationMs', () => {
  it.each([
    [5000, '5s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [1500, '1500ms'],
    [0, '0ms'],
  ])('writes %d ms as %j, which reads back', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
    expect(parseDurationMs(text, '--x')).toBe(ms);
  });
});
