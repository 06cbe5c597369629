import { UserError } from './user-error.ts';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500ms`, `5s`, `2m`, `1h` into milliseconds; a bare number is refused (is `5` five seconds or 5 ms?). */
export function parseDurationMs(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null || m[2] === undefined) {
    const unitless = m !== null ? `; add a unit, e.g. ${m[1]}s or ${m[1]}ms` : '';
    throw new UserError(`${flag}: expected a duration like 5s, 500ms or 2m, got ${JSON.stringify(text)}${unitless}`);
  }
  return Math.round(Number(m[1]) * (UNITS[m[2]] ?? 1));
}

/** Writes milliseconds in the largest unit that divides them exactly (`5s`, `5m`, `1h`, `1500ms`): parseDurationMs reads it back. */
export function formatDurationMs(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    const size = UNITS[unit] as number;
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
