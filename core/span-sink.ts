import type { KspanSpan } from './span.ts';

/** Where the core hands finished spans. Must not throw; adapters buffer and report their own failures. */
export interface SpanSink {
  /** Receives one finished span. */
  emit(span: KspanSpan): void;
  /**
   * The span with this ID may be emitted after spans of its trace it precedes (`startUs` or later), where a rebuild
   * from a re-list, which gets every Event at once, emits it among them: its Event came later than the window (a
   * watch that lagged, a kubelet that posted its Events after a partition), or it starts well before it was placed
   * (a series seen for the first time). Called before the span is emitted, as soon as the engine knows: when such an
   * Event is fed, or when it is placed; a span may be named that is never emitted (a re-delivery, a repetition).
   * `occurrence`: the span is of a later occurrence of its Event (it continues an exported one, or is another action
   * counted into it); a rebuild, which lists the Event once as it is now, gives it one span, in its first's place.
   */
  late?(spanId: string, startUs: number, occurrence?: boolean): void;
}
