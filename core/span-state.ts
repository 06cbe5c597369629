import type { AttributeValue, KspanSpanEvent } from './span.ts';

/** A trace being assembled: one change of a root object (or a `topLevelSpan` annotation's trace). */
export interface TraceState {
  readonly traceId: string;
  /** `uid:generation` of the root object, or `tls:<trace>:<span>` for an annotated parent. */
  readonly rootKey: string;
  readonly openedUs: number;
  /** Latest event time that touched this trace. */
  lastUs: number;
  readonly spans: SpanState[];
  flushed: boolean;
}

/** A span still open in the core. */
export interface SpanState {
  readonly spanId: string;
  readonly trace: TraceState;
  readonly parent?: SpanState;
  /** Parent span ID when the parent lives outside the core (a `topLevelSpan` annotation). */
  readonly externalParentId?: string;
  readonly name: string;
  startUs: number;
  /** Latest time this span itself observed (its last occurrence). */
  lastUs: number;
  /** Set when the next event on the same actor→object ended this span. */
  endedByNextUs?: number;
  readonly serviceName: string;
  readonly attributes: Record<string, AttributeValue>;
  readonly events: KspanSpanEvent[];
  readonly error: boolean;
  readonly statusMessage?: string;
  readonly actorKey: string;
  readonly objectKey: string;
  readonly eventUid?: string;
  count: number;
  /** For a scaling span: the direction and how many child creations/deletions it still accounts for. */
  readonly scale?: { readonly direction: 'up' | 'down'; readonly capacity: number; used: number };
  /** Repetitions not kept as span events (beyond the cap). */
  droppedRepeats: number;
}
