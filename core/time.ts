/** Timestamps in the core are microseconds since the Unix epoch, held in a `number` (exact up to year 2255). */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})$/;

/** Parses an RFC 3339 timestamp (any sub-second precision, down to nanoseconds) to microseconds; undefined if malformed. */
export function parseTimeUs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
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
