import type { InputRecord, KspanSpan, KubeEvent } from '../../core/index.ts';
import { involvedObjectOf, occurrenceOf } from '../event-fields.ts';
import type { SpanEngine } from '../span-engine.ts';

/** A stand-in for the core engine (tests): one span per event record, keyed by (uid, occurrence) like the core. */
export class FakeEngine implements SpanEngine {
  readonly records: InputRecord[] = [];
  readonly spans: KspanSpan[] = [];
  readonly diagnostics = { counts: {} as Record<string, number> };
  closed = false;
  private readonly emit: (span: KspanSpan) => void;

  constructor(emit: (span: KspanSpan) => void = () => {}) {
    this.emit = emit;
  }

  push(record: InputRecord): void {
    this.records.push(record);
    if (record.type !== 'event') return;
    const event: KubeEvent = record.event;
    const ref = involvedObjectOf(event);
    const span: KspanSpan = {
      traceId: '0'.repeat(32),
      spanId: `${event.metadata?.uid ?? '?'}#${occurrenceOf(event)}`,
      name: `${ref?.kind ?? '?'}.${event.reason ?? '?'}`,
      startUs: 0,
      endUs: 0,
      serviceName: 'fake',
      attributes: {},
      events: [],
      status: 'unset',
    };
    this.spans.push(span);
    this.emit(span);
  }

  close(): void {
    this.closed = true;
  }

  stats(): { pendingEvents: number; openTraces: number; openSpans: number } {
    return { pendingEvents: 0, openTraces: 0, openSpans: 0 };
  }

  /** Event records fed, as `Kind.Reason uid`. */
  eventNames(): string[] {
    return this.records.flatMap((r) =>
      r.type === 'event' ? [`${involvedObjectOf(r.event)?.kind}.${r.event.reason} ${r.event.metadata?.uid}`] : [],
    );
  }
}
