import type { KspanSpan, SpanSink } from '../core/index.ts';
import type { Clock } from './clock.ts';
import type { QueuedSpan } from './span-export-queue.ts';

/** Options of `ExportLedger`. */
export interface ExportLedgerOptions {
  readonly clock: Clock;
  /** Where spans not exported yet go (the export queue). */
  readonly forward: (item: QueuedSpan) => void;
  /** Counts a span skipped because it was exported already (by this replica, an earlier process or the leader). */
  readonly onAlreadyExported?: () => void;
  /** Traces remembered at most (the checkpoint's bound). Default 8192. */
  readonly maxTraces?: number;
  /** A trace untouched for this long is forgotten: its Events are gone from the API (1 h TTL) by then. Default 75 min. */
  readonly retentionMs?: number;
}

interface TraceEntry {
  /** Spans of this trace the local engine has emitted. */
  emitted: number;
  /** Spans of this trace known to be exported: the first `covered` in emission order. */
  covered: number;
  touchedMs: number;
}

const VERSION = 'v1';

/**
 * Which spans are exported, per trace, compactly enough to live in the Lease (a checkpoint): a trace is keyed
 * by the first 64 bits of its ID and carries the number of its spans exported. The engine is deterministic and
 * span IDs come from event UIDs, so a process that rebuilds a trace from re-listed Events emits the same spans
 * in the same order: it skips the first `covered` and exports the rest. The export queue commits batches in
 * order, so what is exported of a trace is always a prefix of what was emitted.
 */
export class ExportLedger implements SpanSink {
  private readonly options: ExportLedgerOptions;
  private readonly traces = new Map<string, TraceEntry>();
  private readonly maxTraces: number;
  private readonly retentionMs: number;
  private loaded = false;
  /** Spans committed by the export queue, ever; the count the last snapshot saw; the count last stored. */
  private exportedSpans = 0;
  private snapshotSpans = 0;
  private storedSpans = 0;

  constructor(options: ExportLedgerOptions) {
    this.options = options;
    this.maxTraces = options.maxTraces ?? 8192;
    this.retentionMs = options.retentionMs ?? 75 * 60_000;
  }

  /** True once a checkpoint has been read (a restart or a failover: re-listed Events are all fed). */
  get hasCheckpoint(): boolean {
    return this.loaded;
  }

  /** Number of traces remembered. */
  get size(): number {
    return this.traces.size;
  }

  /**
   * Spans exported since the last checkpoint that was stored: the next leader would send them again if this one
   * lost the API now. The export gate keeps this small (see `CheckpointGate`).
   */
  get unrecorded(): number {
    return this.exportedSpans - this.storedSpans;
  }

  /** Receives a span from the engine: skips it when exported already, otherwise hands it on with its index. */
  emit(span: KspanSpan): void {
    const entry = this.entry(span.traceId);
    const index = entry.emitted++;
    if (index < entry.covered) {
      this.options.onAlreadyExported?.();
      return;
    }
    this.options.forward({ span, index });
  }

  /** The export queue committed these spans (in order). */
  exported(batch: readonly QueuedSpan[]): void {
    const now = this.options.clock.now();
    this.exportedSpans += batch.length;
    for (const { span, index } of batch) {
      const entry = this.entry(span.traceId);
      if (index + 1 > entry.covered) entry.covered = index + 1;
      entry.touchedMs = now;
    }
  }

  /** True when another replica (or an earlier process) exported this queued span already. */
  covers(item: QueuedSpan): boolean {
    const entry = this.traces.get(keyOf(item.span.traceId));
    return entry !== undefined && item.index < entry.covered;
  }

  /** Merges a checkpoint (another replica's, or an earlier process's); ignores one it cannot read. True if read. */
  merge(checkpoint: string | undefined): boolean {
    const parsed = parseCheckpoint(checkpoint, this.options.clock.now());
    if (parsed === undefined) return false;
    this.loaded = true;
    for (const { key, covered, touchedMs } of parsed) {
      const entry = this.traces.get(key);
      if (entry === undefined) this.traces.set(key, { emitted: 0, covered, touchedMs });
      else {
        entry.covered = Math.max(entry.covered, covered);
        entry.touchedMs = Math.max(entry.touchedMs, touchedMs);
      }
    }
    this.prune();
    return true;
  }

  /**
   * The checkpoint to store: every remembered trace with exported spans, newest first, within the bounds. `stored()`
   * then says it was stored; `toStore` false gives it for another use (the hand-over) without that.
   */
  checkpoint(toStore = true): string {
    if (toStore) this.snapshotSpans = this.exportedSpans;
    this.prune();
    const now = this.options.clock.now();
    const parts: string[] = [];
    const entries = [...this.traces].filter(([, e]) => e.covered > 0).sort((a, b) => b[1].touchedMs - a[1].touchedMs);
    for (const [key, e] of entries) {
      const ageMin = Math.max(0, Math.floor((now - e.touchedMs) / 60_000));
      parts.push(`${key}:${e.covered.toString(36)}:${ageMin.toString(36)}`);
    }
    return `${VERSION}|${Math.floor(now / 1000)}|${parts.join(',')}`;
  }

  /** The checkpoint last returned by `checkpoint()` is stored (in the Lease). */
  stored(): void {
    this.storedSpans = Math.max(this.storedSpans, this.snapshotSpans);
  }

  private entry(traceId: string): TraceEntry {
    const key = keyOf(traceId);
    const now = this.options.clock.now();
    let entry = this.traces.get(key);
    if (entry === undefined) {
      entry = { emitted: 0, covered: 0, touchedMs: now };
      this.traces.set(key, entry);
      if (this.traces.size > this.maxTraces * 2) this.prune();
    } else {
      entry.touchedMs = now;
      // Map order is insertion order: re-insert so the oldest-touched trace is first when the bound evicts.
      this.traces.delete(key);
      this.traces.set(key, entry);
    }
    return entry;
  }

  private prune(): void {
    const horizon = this.options.clock.now() - this.retentionMs;
    for (const [key, e] of this.traces) if (e.touchedMs < horizon) this.traces.delete(key);
    if (this.traces.size <= this.maxTraces) return;
    const byAge = [...this.traces].sort((a, b) => a[1].touchedMs - b[1].touchedMs);
    for (const [key] of byAge.slice(0, this.traces.size - this.maxTraces)) this.traces.delete(key);
  }
}

/** The first 64 bits of a trace ID, base64url (11 characters). */
function keyOf(traceId: string): string {
  return Buffer.from(traceId.slice(0, 16).padEnd(16, '0'), 'hex').toString('base64url');
}

/** Reads `v1|<written s>|key:covered36:ageMin36,…`; undefined when absent or unreadable. */
export function parseCheckpoint(
  text: string | undefined,
  nowMs: number,
): { key: string; covered: number; touchedMs: number }[] | undefined {
  if (text === undefined || text === '') return undefined;
  const [version, written, body] = text.split('|');
  const writtenS = Number(written);
  if (version !== VERSION || body === undefined || !Number.isFinite(writtenS)) return undefined;
  const out: { key: string; covered: number; touchedMs: number }[] = [];
  for (const part of body === '' ? [] : body.split(',')) {
    const [key, covered36, age36] = part.split(':');
    const covered = parseInt(covered36 ?? '', 36);
    const ageMin = parseInt(age36 ?? '', 36);
    if (key === undefined || !/^[A-Za-z0-9_-]{11}$/.test(key) || !(covered > 0) || !(ageMin >= 0)) continue;
    out.push({ key, covered, touchedMs: Math.min(nowMs, writtenS * 1000 - ageMin * 60_000) });
  }
  return out;
}
