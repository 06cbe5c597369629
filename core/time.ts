/** Timestamps in the core are microseconds since the Unix epoch, held in a `number` (exact up to year 2255). */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})$/;

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Days from 1970-01-01 to year `y`, month `m` (1-12), day `d` of the proleptic Gregorian calendar, as
 * `Date.UTC` counts them (a day past the month's end rolls over into the next). Arithmetic instead of
 * `Date.UTC`: every record and event has a timestamp or two, and this was a tenth of their parsing.
 * H. Hinnant's days_from_civil (http://howardhinnant.github.io/date_algorithms.html).
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yoe = year - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The common `YYYY-MM-DDTHH:MM:SS[.frac]Z` form without a regular expression (the hot path of replay). */
function parseUtcFast(s: string): number | undefined {
  const len = s.length;
  if (
    len < 20 ||
    s.charCodeAt(len - 1) !== 90 /* Z */ ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  const h = digits(s, 11, 13);
  const mi = digits(s, 14, 16);
  const sec = digits(s, 17, 19);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
    return undefined;
  let micros = 0;
  if (len > 20) {
    if (s.charCodeAt(19) !== 46 /* . */ || len - 21 > 9 || len === 21) return undefined;
    const fracEnd = Math.min(len - 1, 26);
    const f = digits(s, 20, fracEnd);
    if (f < 0 || digits(s, fracEnd, len - 1) < 0) return undefined;
    micros = f * 10 ** (6 - (fracEnd - 20));
  } else if (s.charCodeAt(19) !== 90) {
    return undefined;
  }
  // Date.UTC reads years 0-99 as 1900-1999: those keep its meaning.
  const days = y < 100 ? Date.UTC(y, mo - 1, d) / 86_400_000 : daysFromCivil(y, mo, d);
  return ((days * 24 + h) * 3600 + mi * 60 + sec) * 1_000_000 + micros;
}

/** The last text parseUtcFast read, and its value (module state: the same for every caller, as the text is). */
let lastText = '';
let lastUs = 0;

/** Parses an RFC 3339 timestamp (any sub-second precision, down to nanoseconds) to microseconds; undefined if malformed. */
export function parseTimeUs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  // The same text as the last one parsed (consecutive Events of one second, an object's creation and change times):
  // its value again. A comparison of two short strings, cheaper than parsing, and nothing else is cached.
  if (value === lastText) return lastUs;
  const fast = parseUtcFast(value);
  if (fast !== undefined) {
    lastText = value;
    lastUs = fast;
    return fast;
  }
  const m = RFC3339.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    return undefined;
  }
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const micros = frac === '' ? 0 : Number(frac.padEnd(6, '0').slice(0, 6));
  return ms * 1000 + micros;
}

/** Formats microseconds as RFC 3339 UTC with microsecond precision (`2024-05-05T16:22:15.000000Z`). */
export function formatTimeUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // 2024-05-05T16:22:15.123Z
  const micros = String(us - Math.floor(us / 1_000_000) * 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

/** Whole seconds of a timestamp in microseconds. */
export function secondOf(us: number): number {
  return Math.floor(us / 1_000_000);
}
