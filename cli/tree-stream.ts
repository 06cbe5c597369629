import { printTrees, type KspanSpan, type SpanSink, type TreeOptions } from '../core/index.ts';

/**
 * Prints trace trees as the engine emits them: the engine hands a trace's spans over together, so a trace is
 * printed when the next trace's spans start (or at the end), and nothing older is held. Traces come in
 * emission order; spans that join a trace after it was printed (late effects) print as a second block
 * under the same trace ID, their first span as its root.
 */
export class TreeStream implements SpanSink {
  private batch: KspanSpan[] = [];
  private printed = 0;
  private readonly write: (text: string) => void;
  private readonly options: TreeOptions;

  constructor(write: (text: string) => void, options: TreeOptions) {
    this.write = write;
    this.options = options;
  }

  /** Receives one span; prints the previous trace when this one belongs to another. */
  emit(span: KspanSpan): void {
    if (this.batch.length > 0 && (this.batch[0] as KspanSpan).traceId !== span.traceId) this.flush();
    this.batch.push(span);
  }

  /** Prints the trace in hand. */
  flush(): void {
    if (this.batch.length === 0) return;
    // printTrees ends each trace with a newline; traces are separated by one blank line, as in printTrees.
    this.write(`${this.printed > 0 ? '\n' : ''}${printTrees(this.batch, this.options)}`);
    this.printed += 1;
    this.batch = [];
  }
}
