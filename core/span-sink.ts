import type { KspanSpan } from './span.ts';

/** Where the core hands finished spans. Must not throw; adapters buffer and report their own failures. */
export interface SpanSink {
  /** Receives one finished span. */
  emit(span: KspanSpan): void;
}
