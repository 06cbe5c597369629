import { describe, expect, it } from 'vitest';
import { formatTimeUs, parseTimeUs } from './time.ts';

describe('parseTimeUs', () => {
  it.each([
    ['2024-05-05T16:22:15Z', Date.UTC(2024, 4, 5, 16, 22, 15) * 1000],
    ['2024-05-05T16:22:15.5Z', Date.UTC(2024, 4, 5, 16, 22, 15) * 1000 + 500_000],
    ['2024-05-05T16:22:15.073450Z', Date.UTC(2024, 4, 5, 16, 22, 15) * 1000 + 73_450],
    ['2024-05-05T16:22:15.808165851Z', Date.UTC(2024, 4, 5, 16, 22, 15) * 1000 + 808_165],
    ['2024-05-05T18:22:15+02:00', Date.UTC(2024, 4, 5, 16, 22, 15) * 1000],
    ['2024-05-05t16:22:15.1z', Date.UTC(2024, 4, 5, 16, 22, 15) * 1000 + 100_000],
  ])('%s', (text, us) => {
    expect(parseTimeUs(text)).toBe(us);
  });

  it.each([
    '',
    'noon',
    '2024-13-05T16:22:15Z',
    '2024-05-05T16:22:15',
    '2024-05-05T16:22:15.Z',
    '2024-05-05T16:22:1xZ',
    '2024-05-05T16:22:15.12a4Z',
    42,
    null,
  ])('rejects %j', (text) => {
    expect(parseTimeUs(text)).toBeUndefined();
  });

  it('formats back with microseconds', () => {
    expect(formatTimeUs(parseTimeUs('2024-05-05T16:22:15.073450Z')!)).toBe('2024-05-05T16:22:15.073450Z');
  });
});
