import { randomBytes } from 'node:crypto';
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
  /**
   * Every Event up to this resourceVersion was fed to the engine (`ClusterDriver.fedRevision`); undefined when that
   * cannot be told. Default: every Event (a ledger fed by hand, in tests).
   */
  readonly fedRevision?: () => number | undefined;
  /** The earliest time (µs) of an Event fed but not placed yet (`Engine.unplacedFloorUs`). Default: none. */
  readonly unplacedFloorUs?: () => number;
  /** Exceptions a checkpoint names at most (12 characters each). Default 1024. */
  readonly maxExceptions?: number;
  /** Names this process in its checkpoints (identity and start); default random. */
  readonly writer?: string;
}

interface TraceEntry {
  /** Spans of this trace emitted here that are not exceptions: this process's numbering. */
  own: number;
  /** Own numbers forwarded and not finished (exported, or covered by another's checkpoint), ascending from `head`. */
  outstanding: number[];
  head: number;
  /** Own numbers finished out of order (a follower's discards), until the head reaches them. */
  done: Set<number> | undefined;
  /** Spans of this trace emitted here that are not in `foreignWriter`'s exceptions: its numbering, as far as here. */
  foreignSeq: number;
  /** Whether a foreign list kept a span of this trace emitted here out of that numbering (if not, it is the emission order). */
  foreignGap: boolean;
  /** The greatest span emitted here and numbered, in the order the engine sorts an emission (start, name, ID). */
  last: KspanSpan | undefined;
  /** The writer whose numbering `foreignSeq` follows: its count applies only while it is the foreign writer. */
  foreignWriter: string;
  /** How many spans of this trace, in the foreign writer's numbering, it exported. */
  foreignCovered: number;
  touchedMs: number;
}

/** A span kept out of this process's numbering (placed late, or an exception of the checkpoint it rebuilt from). */
interface Exception {
  exported: boolean;
  /** A later occurrence of its Event: a rebuild emits the Event's one span in its first span's place, numbered. */
  readonly occurrence: boolean;
  readonly startUs: number;
  touchedMs: number;
}

/** An exception of another process's checkpoint. */
interface Listed {
  exported: boolean;
  readonly occurrence: boolean;
}

/** What another process's checkpoint says beyond its counts. */
interface ForeignState {
  writer: string;
  /** Every Event up to this resourceVersion had been fed there; undefined: it could not tell (nothing counts). */
  revision: number | undefined;
  /** Only spans starting before this (µs) count: later ones may be behind an Event it had not placed yet. */
  floorUs: number;
  /** Span ID (base64url) → the spans it kept out of its numbering: exported, and whether a later occurrence. */
  exceptions: Map<string, Listed>;
}

/** A parsed checkpoint. */
export interface Checkpoint {
  readonly writer: string;
  readonly revision: number | undefined;
  readonly floorUs: number;
  readonly traces: { key: string; covered: number; touchedMs: number }[];
  readonly exceptions: { id: string; exported: boolean; occurrence: boolean }[];
}

const VERSION = 'v2';
/** Exceptions held in memory at most, as a multiple of those a checkpoint names. */
const HELD_EXCEPTIONS_FACTOR = 16;
const NO_FOREIGN: ForeignState = {
  writer: '',
  revision: undefined,
  floorUs: Number.NEGATIVE_INFINITY,
  exceptions: new Map(),
};

/**
 * Which spans are exported, per trace, compactly enough to live in the Lease (a checkpoint). The engine is
 * deterministic and span IDs come from event UIDs, so a process that rebuilds a trace from re-listed Events emits the
 * same spans; each trace is keyed by the first 64 bits of its ID and carries a count: its first spans, in the order
 * the engine emitted them, that were exported (the queue commits batches in order, so what is exported of a trace is
 * a prefix of what was emitted). Three things keep the count right when the rebuild emits a trace in another order
 * than the live engine did (docs/production.md, "Late Events"):
 * - **exceptions**: spans placed out of the engine's order (an Event later than the window, `SpanSink.late`) are
 *   not counted but named, each with whether it was exported (12 characters a span, at most `maxExceptions`);
 * - **the fed revision**: a span whose Event has a resourceVersion beyond what the writer had fed is never skipped
 *   (the writer had not seen it, so its count does not include it);
 * - **the floor**: a span starting at or after the earliest Event the writer had fed but not placed (or an exception
 *   it could not name) is never skipped.
 * Each of the three can only turn a skip into a send: beyond a bound, kspan sends again (duplicates), never less.
 */
export class ExportLedger implements SpanSink {
  private readonly options: ExportLedgerOptions;
  private readonly traces = new Map<string, TraceEntry>();
  private readonly maxTraces: number;
  private readonly retentionMs: number;
  private readonly maxExceptions: number;
  private readonly writer: string;
  /** Span IDs the engine named late (see `SpanSink.late`) and has not emitted yet, with their earliest start. */
  private readonly lateMarks = new Map<
    string,
    { readonly startUs: number; readonly touchedMs: number; readonly occurrence: boolean }
  >();
  /** Spans kept out of this process's numbering, by base64url span ID. */
  private readonly mine = new Map<string, Exception>();
  /** Start (µs) of the earliest exception forgotten before it was exported, and when: never skipped after it. */
  private forgottenFloorUs = Number.POSITIVE_INFINITY;
  private forgottenAtMs = 0;
  private foreign: ForeignState = NO_FOREIGN;
  private loaded = false;
  /** Spans committed by the export queue, ever; the count the last snapshot saw; the count last stored. */
  private exportedSpans = 0;
  private snapshotSpans = 0;
  private storedSpans = 0;

  constructor(options: ExportLedgerOptions) {
    this.options = options;
    this.maxTraces = options.maxTraces ?? 8192;
    this.retentionMs = options.retentionMs ?? 75 * 60_000;
    this.maxExceptions = options.maxExceptions ?? 1024;
    this.writer = sanitize(options.writer ?? randomBytes(6).toString('hex'));
  }

  /** True once a checkpoint has been read (a restart or a failover: re-listed Events are all fed). */
  get hasCheckpoint(): boolean {
    return this.loaded;
  }

  /** Number of traces remembered. */
  get size(): number {
    return this.traces.size;
  }

  /** Number of exceptions held (spans kept out of the numbering). */
  get exceptionCount(): number {
    return this.mine.size;
  }

  /**
   * Spans exported since the last checkpoint that was stored: the next leader would send them again if this one
   * lost the API now. The export gate keeps this small (see `CheckpointGate`).
   */
  get unrecorded(): number {
    return this.exportedSpans - this.storedSpans;
  }

  /** The engine says this span may come out of order (see `SpanSink.late`): it is an exception, not counted. */
  late(spanId: string, startUs: number, occurrence = false): void {
    const mark = this.lateMarks.get(spanId);
    this.lateMarks.set(spanId, {
      startUs: Math.min(startUs, mark?.startUs ?? startUs),
      touchedMs: this.options.clock.now(),
      occurrence: occurrence || mark?.occurrence === true,
    });
    if (this.lateMarks.size > this.maxExceptions * HELD_EXCEPTIONS_FACTOR) this.forgetExceptions();
  }

  /** Receives a span from the engine: skips it when exported already, otherwise hands it on with its numbers. */
  emit(span: KspanSpan): void {
    const entry = this.entry(span.traceId);
    const foreign = this.foreign;
    // Base64 only when there is a list to look in (most checkpoints name no exception).
    const listed = foreign.exceptions.size === 0 ? undefined : foreign.exceptions.get(keyOf(span.spanId));
    const mark = this.lateMarks.get(span.spanId);
    if (mark !== undefined) this.lateMarks.delete(span.spanId);
    // A later occurrence there and here too (the same deliveries): kept out of the numbering, as there.
    const unnumbered = listed !== undefined && (!listed.occurrence || mark?.occurrence === true);
    let foreignIndex = -1;
    let covered: boolean;
    if (listed !== undefined && unnumbered) {
      covered = listed.exported;
      entry.foreignGap = true;
    } else {
      // A later occurrence there: here the Event's one span, in its first span's place (numbered as that one was).
      foreignIndex = entry.foreignSeq++;
      covered = this.coveredByForeign(entry, foreignIndex, span) && (listed === undefined || listed.exported);
    }
    let index = -1;
    // Named by the engine (placed late, a later occurrence), a late exception of the checkpoint rebuilt from, or
    // emitted after a span it precedes (whatever the cause, a rebuild would emit it before that one).
    if (mark !== undefined || unnumbered || (entry.last !== undefined && precedes(span, entry.last))) {
      const occurrence = mark?.occurrence === true;
      this.mine.set(keyOf(span.spanId), {
        exported: covered,
        occurrence,
        startUs: span.startUs,
        touchedMs: this.options.clock.now(),
      });
      if (this.mine.size > this.maxExceptions * HELD_EXCEPTIONS_FACTOR) this.forgetExceptions();
    } else {
      index = entry.own++;
      entry.last = span;
      if (!covered) entry.outstanding.push(index);
    }
    if (covered) {
      this.options.onAlreadyExported?.();
      return;
    }
    this.options.forward({ span, index, foreign: foreignIndex });
  }

  /** The export queue committed these spans (in order). */
  exported(batch: readonly QueuedSpan[]): void {
    this.exportedSpans += batch.length;
    for (const item of batch) this.finish(item);
  }

  /** True when another replica (or an earlier process) exported this queued span already. */
  covers(item: QueuedSpan): boolean {
    const exceptions = this.foreign.exceptions;
    const listed = exceptions.size === 0 ? undefined : exceptions.get(keyOf(item.span.spanId));
    // Listed there after it was numbered here (a follower emits as the leader does): what the list says.
    if (listed !== undefined && (!listed.occurrence || item.index < 0 || !listed.exported)) return listed.exported;
    const entry = this.traces.get(keyOf(item.span.traceId));
    const foreignIndex = item.foreign ?? -1;
    return entry !== undefined && foreignIndex >= 0 && this.coveredByForeign(entry, foreignIndex, item.span);
  }

  /** `covers`, and when it does, the span is done here too (the queue drops it). */
  takeCovered(item: QueuedSpan): boolean {
    if (!this.covers(item)) return false;
    this.finish(item);
    return true;
  }

  /**
   * Merges a checkpoint (another replica's, an earlier process's, or a hand-over); ignores one it cannot read and
   * this process's own. True if read. A checkpoint of another writer than the last replaces what that one said: its
   * counts follow its own numbering, so a trace numbered here under the previous writer's exceptions is no longer
   * skipped by count. One numbered without a gap (no span of it was an exception there, as with no writer before:
   * a first leader's own traces) follows the new writer: its numbers are its emission order here, and the new
   * writer numbers the same spans in that order less its own exceptions, so a number here is never below the new
   * writer's for the same span, and skipping by its count sends again rather than loses.
   */
  merge(text: string | undefined): boolean {
    const parsed = parseCheckpoint(text, this.options.clock.now());
    if (parsed === undefined) return false;
    this.loaded = true;
    if (parsed.writer === this.writer) return true;
    const sameWriter = parsed.writer === this.foreign.writer;
    const exceptions = sameWriter ? this.foreign.exceptions : new Map<string, Listed>();
    for (const { id, exported, occurrence } of parsed.exceptions)
      exceptions.set(id, { exported: exported || exceptions.get(id)?.exported === true, occurrence });
    this.foreign = { writer: parsed.writer, revision: parsed.revision, floorUs: parsed.floorUs, exceptions };
    if (!sameWriter) {
      // What the previous writer counted no longer applies; traces numbered here without a gap (those not emitted
      // here yet too) follow the new one.
      for (const e of this.traces.values()) {
        e.foreignCovered = 0;
        if (!e.foreignGap) e.foreignWriter = parsed.writer;
      }
    }
    for (const { key, covered, touchedMs } of parsed.traces) {
      const entry = this.traces.get(key);
      if (entry === undefined) {
        this.traces.set(key, { ...newEntry(touchedMs, parsed.writer), foreignCovered: covered });
      } else {
        entry.foreignCovered = Math.max(entry.foreignCovered, covered);
        entry.touchedMs = Math.max(entry.touchedMs, touchedMs);
      }
    }
    this.prune();
    return true;
  }

  /**
   * The checkpoint to store: this process's count of every remembered trace with exported spans, newest first,
   * within the bounds, the exceptions, the fed revision and the floor. `stored()` then says it was stored; `toStore`
   * false gives it for another use (the hand-over) without that.
   */
  checkpoint(toStore = true): string {
    if (toStore) this.snapshotSpans = this.exportedSpans;
    this.prune();
    const now = this.options.clock.now();
    const writtenS = Math.floor(now / 1000);
    const parts: string[] = [];
    const entries = [...this.traces]
      .map(([key, e]) => ({ key, covered: ownCovered(e), touchedMs: e.touchedMs }))
      .filter((e) => e.covered > 0)
      .sort((a, b) => b.touchedMs - a.touchedMs);
    for (const e of entries) {
      const ageMin = Math.max(0, Math.floor((now - e.touchedMs) / 60_000));
      parts.push(`${e.key}:${e.covered.toString(36)}:${ageMin.toString(36)}`);
    }
    // Exceptions not exported (or not emitted yet) must be named, earliest first; those beyond the bound lower the
    // floor instead.
    const held = [...this.mine, ...[...this.lateMarks].map(([spanId, m]) => [keyOf(spanId), m] as const)]
      .filter(([, x]) => !('exported' in x) || !x.exported)
      .sort((a, b) => a[1].startUs - b[1].startUs);
    const flag = (x: { occurrence: boolean }, exported: boolean) =>
      x.occurrence ? (exported ? 'c' : 'o') : exported ? 'x' : 'h';
    const sent = [...this.mine].filter(([, x]) => x.exported).sort((a, b) => b[1].touchedMs - a[1].touchedMs);
    let floorUs = Math.min(this.options.unplacedFloorUs?.() ?? Number.POSITIVE_INFINITY, this.forgottenFloorUs);
    const named = held.slice(0, this.maxExceptions);
    const unnamed = held[this.maxExceptions];
    if (unnamed !== undefined) floorUs = Math.min(floorUs, unnamed[1].startUs);
    const exceptions = [
      ...named.map(([id, x]) => `${id}${flag(x, false)}`),
      ...sent.slice(0, this.maxExceptions - named.length).map(([id, x]) => `${id}${flag(x, true)}`),
    ];
    const revision = (this.options.fedRevision ?? everything)();
    const floor = Number.isFinite(floorUs) ? Math.max(0, writtenS - Math.floor(floorUs / 1e6)).toString(36) : '';
    const fed = revision === undefined ? '' : revision.toString(36);
    return [VERSION, writtenS, this.writer, fed, floor, parts.join(','), exceptions.join(',')].join('|');
  }

  /** The checkpoint last returned by `checkpoint()` is stored (in the Lease). */
  stored(): void {
    this.storedSpans = Math.max(this.storedSpans, this.snapshotSpans);
  }

  /** Does the foreign writer's checkpoint cover the span it would number `index` in this trace? */
  private coveredByForeign(entry: TraceEntry, index: number, span: KspanSpan): boolean {
    const foreign = this.foreign;
    if (entry.foreignWriter !== foreign.writer || index >= entry.foreignCovered) return false;
    if (!(span.startUs < foreign.floorUs) || foreign.revision === undefined) return false;
    // A root span has no Event: the writer saw its trace's first. NaN (not an integer) is never at or below.
    return span.revision === undefined || span.revision <= foreign.revision;
  }

  /** The span is exported, or covered by another's checkpoint: its own number (or exception) is done. */
  private finish(item: QueuedSpan): void {
    const now = this.options.clock.now();
    const entry = this.entry(item.span.traceId);
    entry.touchedMs = now;
    if (item.index < 0) {
      const x = this.mine.get(keyOf(item.span.spanId));
      if (x !== undefined) {
        x.exported = true;
        x.touchedMs = now;
      }
      return;
    }
    if (entry.outstanding[entry.head] === item.index) {
      entry.head++;
      while (entry.head < entry.outstanding.length && entry.done?.delete(entry.outstanding[entry.head] as number))
        entry.head++;
      if (entry.head > 1024 && entry.head * 2 > entry.outstanding.length) {
        entry.outstanding = entry.outstanding.slice(entry.head);
        entry.head = 0;
      }
    } else (entry.done ??= new Set()).add(item.index);
  }

  /** Beyond the exceptions held, forgets the oldest: exported first; one not exported lowers the floor. */
  private forgetExceptions(): void {
    // Down to a bound's worth below the limit, so that this sorting runs once per that many new exceptions.
    const target = this.maxExceptions * HELD_EXCEPTIONS_FACTOR - this.maxExceptions;
    if (this.lateMarks.size > target) {
      const marks = [...this.lateMarks].sort((a, b) => a[1].touchedMs - b[1].touchedMs);
      for (const [spanId, m] of marks.slice(0, this.lateMarks.size - target)) {
        this.lateMarks.delete(spanId);
        this.lowerForgottenFloor(m.startUs);
      }
    }
    if (this.mine.size <= target) return;
    const byAge = [...this.mine].sort(
      (a, b) => Number(b[1].exported) - Number(a[1].exported) || a[1].touchedMs - b[1].touchedMs,
    );
    for (const [id, x] of byAge.slice(0, this.mine.size - target)) {
      this.mine.delete(id);
      if (!x.exported) this.lowerForgottenFloor(x.startUs);
    }
  }

  /** An exception forgotten before it was exported: no span starting at or after it is skipped, for the retention. */
  private lowerForgottenFloor(startUs: number): void {
    this.forgottenFloorUs = Math.min(this.forgottenFloorUs, startUs);
    this.forgottenAtMs = this.options.clock.now();
  }

  private entry(traceId: string): TraceEntry {
    const key = keyOf(traceId);
    const now = this.options.clock.now();
    let entry = this.traces.get(key);
    if (entry === undefined) {
      entry = newEntry(now, this.foreign.writer);
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
    for (const [id, x] of this.mine) if (x.touchedMs < horizon) this.mine.delete(id);
    for (const [id, m] of this.lateMarks) if (m.touchedMs < horizon) this.lateMarks.delete(id);
    if (this.forgottenAtMs < horizon) this.forgottenFloorUs = Number.POSITIVE_INFINITY;
    if (this.traces.size <= this.maxTraces) return;
    const byAge = [...this.traces].sort((a, b) => a[1].touchedMs - b[1].touchedMs);
    for (const [key] of byAge.slice(0, this.traces.size - this.maxTraces)) this.traces.delete(key);
  }
}

function newEntry(touchedMs: number, foreignWriter: string): TraceEntry {
  return {
    own: 0,
    outstanding: [],
    head: 0,
    done: undefined,
    last: undefined,
    foreignSeq: 0,
    foreignGap: false,
    foreignWriter,
    foreignCovered: 0,
    touchedMs,
  };
}

/** The length of this process's numbered prefix of the trace that is done (exported or covered elsewhere). */
function ownCovered(e: TraceEntry): number {
  return e.head < e.outstanding.length ? (e.outstanding[e.head] as number) : e.own;
}

/** True when `a` comes before `b` in an emission of their trace (start, name, span ID: `TraceAssembler.emit`). */
function precedes(a: KspanSpan, b: KspanSpan): boolean {
  return (
    a.startUs - b.startUs < 0 ||
    (a.startUs === b.startUs && (a.name < b.name || (a.name === b.name && a.spanId < b.spanId)))
  );
}

function everything(): number {
  return Number.MAX_SAFE_INTEGER;
}

/** A writer name fit for the checkpoint's syntax. */
function sanitize(writer: string): string {
  return writer.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 80) || 'w';
}

/** base64url's alphabet as character codes. */
const BASE64URL = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (c) =>
  c.charCodeAt(0),
);

/** A hex digit's value, or -16 (which makes any sum of digits negative) for any other character. */
function nibble(id: string, i: number): number {
  const c = id.charCodeAt(i);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -16;
}

/** Two base64url characters of hex digits i, i+1, i+2 (12 bits), as one number: high char · 64 + low char. */
function sextets(id: string, i: number): number {
  const a = nibble(id, i);
  const b = nibble(id, i + 1);
  const c = nibble(id, i + 2);
  return (a | b | c) < 0 ? -1 : (a << 8) | (b << 4) | c;
}

/**
 * The first 64 bits of a hex ID, base64url (11 characters): a trace's key, or a whole span ID. Three hex digits
 * make two base64url characters and the sixteenth digit the last one. Called a few times per span, so without
 * Buffers (an ID that is not hex, never one of kspan's, takes them: Buffer's hex decoding stops at a bad digit).
 */
export function keyOf(hexId: string): string {
  if (hexId.length < 16) return keyOfBuffer(hexId);
  const s0 = sextets(hexId, 0);
  const s1 = sextets(hexId, 3);
  const s2 = sextets(hexId, 6);
  const s3 = sextets(hexId, 9);
  const s4 = sextets(hexId, 12);
  const last = nibble(hexId, 15);
  if ((s0 | s1 | s2 | s3 | s4 | last) < 0) return keyOfBuffer(hexId);
  const t = BASE64URL;
  return String.fromCharCode(
    t[s0 >> 6] as number,
    t[s0 & 63] as number,
    t[s1 >> 6] as number,
    t[s1 & 63] as number,
    t[s2 >> 6] as number,
    t[s2 & 63] as number,
    t[s3 >> 6] as number,
    t[s3 & 63] as number,
    t[s4 >> 6] as number,
    t[s4 & 63] as number,
    t[last << 2] as number,
  );
}

function keyOfBuffer(hexId: string): string {
  return Buffer.from(hexId.slice(0, 16).padEnd(16, '0'), 'hex').toString('base64url');
}

const KEY = /^[A-Za-z0-9_-]{11}$/;
/** h: held (not exported), x: exported; o, c: the same for a later occurrence of its Event. */
const FLAGS = ['h', 'x', 'o', 'c'];

/**
 * Reads `v2|<written s>|<writer>|<fed revision, base 36>|<floor: s before written, base 36>|key:covered:ageMin,…|
 * <span ID><h|x|o|c>,…`, or the older `v1|<written s>|key:covered36:ageMin36,…` (no exceptions, every Event seen);
 * undefined when absent or unreadable. An unreadable revision reads as "cannot tell" (nothing is skipped by count).
 */
export function parseCheckpoint(text: string | undefined, nowMs: number): Checkpoint | undefined {
  if (text === undefined || text === '') return undefined;
  const fields = text.split('|');
  const version = fields[0];
  const writtenS = Number(fields[1]);
  if (!Number.isFinite(writtenS)) return undefined;
  let writer: string;
  let revision: number | undefined = Number.MAX_SAFE_INTEGER;
  let floorUs = Number.POSITIVE_INFINITY;
  let body: string | undefined;
  let listed = '';
  if (version === 'v1' && fields.length === 3) {
    writer = 'v1';
    body = fields[2];
  } else if (version === VERSION && fields.length === 7) {
    writer = fields[2] ?? '';
    const fed = fields[3] ?? '';
    revision = /^[0-9a-z]{1,11}$/.test(fed) ? parseInt(fed, 36) : undefined;
    const floor = fields[4] ?? '';
    if (floor !== '') floorUs = /^[0-9a-z]{1,8}$/.test(floor) ? (writtenS - parseInt(floor, 36)) * 1e6 : 0;
    body = fields[5];
    listed = fields[6] ?? '';
  } else return undefined;
  if (body === undefined || writer === '') return undefined;
  const traces: Checkpoint['traces'] = [];
  for (const part of body === '' ? [] : body.split(',')) {
    const [key, covered36, age36] = part.split(':');
    const covered = parseInt(covered36 ?? '', 36);
    const ageMin = parseInt(age36 ?? '', 36);
    if (key === undefined || !KEY.test(key) || !(covered > 0) || !(ageMin >= 0)) continue;
    traces.push({ key, covered, touchedMs: Math.min(nowMs, writtenS * 1000 - ageMin * 60_000) });
  }
  const exceptions: Checkpoint['exceptions'] = [];
  for (const part of listed === '' ? [] : listed.split(',')) {
    const id = part.slice(0, 11);
    const flag = part.slice(11);
    // An exception that cannot be read makes every count unsafe: it reads as "cannot tell".
    if (!KEY.test(id) || !FLAGS.includes(flag)) revision = undefined;
    else exceptions.push({ id, exported: flag === 'x' || flag === 'c', occurrence: flag === 'c' || flag === 'o' });
  }
  return { writer, revision, floorUs, traces, exceptions };
}
