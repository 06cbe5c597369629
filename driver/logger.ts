/** Log levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured logging: a message and flat fields. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Field names whose values never reach a log line. */
const SECRET_FIELD = /^(authorization|headers?|metadata|cookie|.*token|.*password|.*secret|.*api[-_]?key)$/i;

/** Replaces the values of secret-looking fields (recursively) with "[REDACTED]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { message: value.message, name: value.name };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[REDACTED]' : redact(v, depth + 1);
  return out;
}

/** JSON lines on a stream (stderr by default): `{"time","level","msg",...fields}`, secrets redacted. */
export class JsonLogger implements Logger {
  private readonly min: number;
  private readonly out: { write(line: string): unknown };
  private readonly now: () => number;

  constructor(options: { level?: LogLevel; out?: { write(line: string): unknown }; now?: () => number } = {}) {
    this.min = LOG_LEVELS.indexOf(options.level ?? 'info');
    this.out = options.out ?? process.stderr;
    this.now = options.now ?? Date.now;
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log('error', msg, fields);
  }

  private log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    if (LOG_LEVELS.indexOf(level) < this.min) return;
    try {
      const line = { time: new Date(this.now()).toISOString(), level, msg, ...(redact(fields) as object) };
      this.out.write(`${JSON.stringify(line)}\n`);
    } catch {
      // Logging never takes the process down.
    }
  }
}
