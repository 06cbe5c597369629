/** Timestamp formats as the API server serves them; simulator time is microseconds since the epoch. */

function isoSeconds(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
}

function micros(us: number): string {
  return String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
}

/** metav1.Time: whole seconds (`2024-05-05T16:22:15Z`). */
export function rfc3339(us: number): string {
  return `${isoSeconds(us)}Z`;
}

/** metav1.MicroTime: microseconds (`2024-05-05T16:22:15.123456Z`). */
export function rfc3339Micro(us: number): string {
  return `${isoSeconds(us)}.${micros(us)}Z`;
}

/** Go's RFC3339Nano (trailing zeros trimmed), as kspan capture headers use. */
export function rfc3339Nano(us: number): string {
  const frac = micros(us).replace(/0+$/, '');
  return frac === '' ? `${isoSeconds(us)}Z` : `${isoSeconds(us)}.${frac}Z`;
}

/** Go's time.Duration String() for a duration in milliseconds (`850ms`, `1.234s`, `2m5s`). */
export function goDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded < 1000) return `${rounded}ms`;
  if (rounded < 60_000) return `${String(rounded / 1000)}s`;
  const minutes = Math.floor(rounded / 60_000);
  return `${minutes}m${String((rounded - minutes * 60_000) / 1000)}s`;
}

/** Parses an RFC 3339 timestamp to microseconds (sub-second digits beyond 6 are dropped). */
export function parseUs(value: string): number {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(value);
  if (m === null)
    throw new Error(`timestamps.parseUs: "${value}" is not RFC 3339 UTC; expected e.g. 2024-05-05T16:22:15.123456Z`);
  const base = Date.parse(`${m[1] ?? ''}Z`);
  const frac = Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return base * 1000 + frac;
}
