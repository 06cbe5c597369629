import type { EventSlot } from './event-index.ts';
import type { ObjectSpans } from './recent-spans.ts';
import type { AttributeValue, KspanSpanEvent } from './span.ts';

/** A trace being assembled: one change of a root object (or a `topLevelSpan` annotation's trace). */
export interface TraceState {
  readonly traceId: string;
  /** `uid:generation` of the root object, `tls:<trace>:<span>` for an annotated parent, `own:<key>` for a span of its own. */
  readonly rootKey: string;
  /** Time of the trace's first event (for the maximum trace age). */
  readonly openedUs: number;
  /** Latest event time that touched this trace. */
  lastUs: number;
  /** Spans not emitted yet (NO_SPANS when none; grown with `appended`). */
  pending: readonly SpanState[];
  /** Spans already emitted that still serve as parents until the retention ends (NO_SPANS when none: never pushed to). */
  retained: readonly SpanState[];
  /** Set when the trace is forgotten; a later change of the same root starts a new segment. */
  expired: boolean;
  /** The trace of a root object's change (a synthesized root span): its segments are counted when it is forgotten. */
  readonly rooted: boolean;
  /** Which of the trace's entries in the assembler's due queue is current (older ones are stale). */
  dueToken: number;
  /** The latest start of a span of this trace already emitted (-Infinity before the first emission). */
  emittedUntilUs: number;
}

/** A span still open in the core. */
export interface SpanState {
  readonly spanId: string;
  readonly trace: TraceState;
  /** Set once; a synthesized root span may get one later: the `topLevelSpan` Event that started its change. */
  parent?: SpanState;
  /** Parent span ID when the parent lives outside the core (a `topLevelSpan` annotation). */
  readonly externalParentId?: string;
  readonly name: string;
  startUs: number;
  /** Latest time this span itself observed (its last occurrence). */
  lastUs: number;
  /**
   * Set when the next event on the same actor→object ended this span; at emission, the span's end settled over its
   * children (the trace assembler's scratch: a field of its own was 8 bytes and a boxed number more per held span).
   */
  endedByNextUs?: number;
  readonly serviceName: string;
  /** Handed to the sink with the span; let go once emitted (see releaseEmitted): rules read `reason` instead. */
  attributes: Record<string, AttributeValue>;
  /** NO_EVENTS until the first repetition (most spans have none): replaced, never pushed to, while shared. */
  events: KspanSpanEvent[];
  /** A Warning's span: its status message is its `kspan.event.message` (see statusMessageOf). */
  readonly error: boolean;
  /** The event's reason (what rules look at after export); undefined for a synthesized root span. */
  readonly reason?: string;
  readonly actorKey: string;
  readonly objectKey: string;
  /** The RecentSpans record the span is in while it is a candidate parent (undefined before and after). */
  recent: ObjectSpans | undefined;
  /** The record of the span's Event in the engine's EventIndex while RecentSpans holds the span (no lookup to remove it). */
  event: EventSlot | undefined;
  /** The Event's uid; undefined for a synthesized root span (`kspan.root`) only, see isSynthesized. */
  readonly eventUid?: string;
  /** The Event's resourceVersion as an integer (NaN when not one); undefined for a synthesized root span. */
  readonly revision?: number;
  /** For a scaling span: the direction and how many child creations/deletions it still accounts for. */
  readonly scale?: { readonly direction: 'up' | 'down'; capacity: number; used: number };
  /** Handed to the sink already: no longer changes, but can still parent late children. */
  emitted: boolean;
}

/** The span events of a span that has none (shared and frozen: a push to it fails; see recordRepeat). */
export const NO_EVENTS: KspanSpanEvent[] = Object.freeze([]) as unknown as KspanSpanEvent[];

/** The emitted spans of a trace that has none yet (shared and frozen). */
export const NO_SPANS: readonly SpanState[] = Object.freeze([]);

/**
 * `list` with `item` at the end: while short, a new array of the exact size (an array grown by push keeps 16
 * spare slots, most of a small trace's memory), later `list` itself, pushed to (it is then a copy of our own).
 */
export function appended<T>(list: readonly T[], item: T): readonly T[] {
  const n = list.length;
  if (n >= 8) {
    (list as T[]).push(item);
    return list;
  }
  // Not a spread or slice + push: those allocate 16 spare slots too.
  const copy = new Array<T>(n + 1);
  for (let i = 0; i < n; i++) copy[i] = list[i] as T;
  copy[n] = item;
  return copy;
}

const RELEASED_ATTRIBUTES: Record<string, AttributeValue> = Object.freeze({});
const RELEASED_EVENTS: KspanSpanEvent[] = Object.freeze([]) as unknown as KspanSpanEvent[];

/** A synthesized root span (`kspan.root`): the one kind of span without an Event (no field of its own). */
export function isSynthesized(span: SpanState): boolean {
  return span.eventUid === undefined;
}

/** The span's status message: a Warning's message (no field of its own: every held span would pay for it). */
export function statusMessageOf(span: SpanState): string | undefined {
  return span.error ? (span.attributes['kspan.event.message'] as string | undefined) : undefined;
}

/**
 * Lets go of what only the sink needed (attributes, span events) once a span is emitted: it
 * stays a candidate parent for the retention, and a retained span then costs its IDs and keys only. Frozen
 * empties, so that a write to an emitted span (which never changes) fails loudly instead of going nowhere.
 */
export function releaseEmitted(span: SpanState): void {
  span.attributes = RELEASED_ATTRIBUTES;
  span.events = RELEASED_EVENTS;
}
