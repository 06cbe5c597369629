import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, formatTimeUs, parseTimeUs } from './time.ts';

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

  it('counts days as Date.UTC does, rolling over past a month end (2024-02-31 is 2024-03-02) and at second 60', () => {
    const two = (n: number): string => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 60 }),
        (y, mo, d, h, mi, s) => {
          const text = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}Z`;
          expect(parseTimeUs(text)).toBe(Date.UTC(y, mo - 1, d, h, mi, s) * 1000);
          if (y >= 100) expect(daysFromCivil(y, mo, d)).toBe(Date.UTC(y, mo - 1, d) / 86_400_000);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('formats back with microseconds', () => {
    expect(formatTimeUs(parseTimeUs('2024-05-05T16:22:15.073450Z')!)).toBe('2024-05-05T16:22:15.073450Z');
  });
});

describe('parseTimeUs one after another', () => {
  it('answers each text, the one parsed just before it or not', () => {
    const texts = [
      '2024-05-05T00:00:01Z',
      '2024-05-05T00:00:01Z',
      '2024-05-05T00:00:02.5Z',
      '2024-05-05T00:00:01Z',
      'not a time',
      '2024-05-05T00:00:01Z',
      '2024-05-05T02:00:01+02:00',
      '2024-05-05T00:00:02.5Z',
      '2024-05-05T00:00:02.5Z',
    ];
    expect(texts.map((t) => parseTimeUs(t))).toEqual(
      texts.map((t) => (t === 'not a time' ? undefined : Date.parse(t) * 1000)),
    );
  });
});
