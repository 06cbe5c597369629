import { redact, type LogLevel, type Logger } from '../logger.ts';

/** A logger that keeps lines in memory (tests). */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; msg: string; fields: Record<string, unknown> }[] = [];
  debug(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'debug', msg, fields: redact(fields) as Record<string, unknown> });
  }
  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', msg, fields: redact(fields) as Record<string, unknown> });
  }
  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', msg, fields: redact(fields) as Record<string, unknown> });
  }
  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', msg, fields: redact(fields) as Record<string, unknown> });
  }
}
