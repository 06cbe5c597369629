import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SpanEngine } from './span-engine.ts';

/** The Prometheus metrics of `kspan run`, on their own registry. */
export class DriverMetrics {
  readonly registry: Registry;
  readonly eventsReceived: Counter<'kind' | 'reason' | 'type'>;
  readonly eventsSkipped: Counter<'reason'>;
  readonly spansEmitted: Counter;
  readonly apiRequests: Counter<'verb' | 'group' | 'resource'>;
  readonly apiRequestsPerEvent: Histogram;
  readonly watchRestarts: Counter<'resource' | 'reason'>;
  readonly watchMalformedLines: Counter<'resource'>;
  readonly exportedSpans: Counter;
  readonly exportFailures: Counter;
  readonly exportDroppedSpans: Counter<'reason'>;
  readonly exportQueueSize: Gauge;
  readonly exportQueueBytes: Gauge;
  readonly spansAlreadyExported: Counter;
  readonly handovers: Counter<'outcome'>;
  readonly intakePaused: Counter<'cause'>;
  readonly isLeader: Gauge;
  readonly recordsFed: Counter<'type'>;

  constructor(registry = new Registry()) {
    this.registry = registry;
    const r = [registry];
    this.eventsReceived = new Counter({
      name: 'kspan_events_received_total',
      help: 'Kubernetes Events received from the API, by involved-object kind, reason and type',
      labelNames: ['kind', 'reason', 'type'],
      registers: r,
    });
    this.eventsSkipped = new Counter({
      name: 'kspan_events_skipped_total',
      help: 'Events not fed to the engine, by reason (filtered-namespace|filtered-kind|filtered-type|stale|duplicate|deleted)',
      labelNames: ['reason'],
      registers: r,
    });
    this.spansEmitted = new Counter({
      name: 'kspan_spans_emitted_total',
      help: 'Spans emitted by the engine and handed to the exporter',
      registers: r,
    });
    this.spansAlreadyExported = new Counter({
      name: 'kspan_spans_already_exported_total',
      help: 'Spans emitted again after a restart or failover and skipped: the checkpoint says they were exported',
      registers: r,
    });
    this.handovers = new Counter({
      name: 'kspan_leader_handovers_total',
      help: 'Takeovers from a leader that did not release the Lease, by outcome: ledger (it handed its ledger over) or none (the Lease checkpoint alone)',
      labelNames: ['outcome'],
      registers: r,
    });
    this.intakePaused = new Counter({
      name: 'kspan_intake_pauses_total',
      help: 'Times the driver stopped reading the event watch, by cause (export-queue|intake-buffer)',
      labelNames: ['cause'],
      registers: r,
    });
    this.apiRequests = new Counter({
      name: 'kspan_api_requests_total',
      help: 'Requests made to the Kubernetes API, by verb, apiGroup and resource',
      labelNames: ['verb', 'group', 'resource'],
      registers: r,
    });
    this.apiRequestsPerEvent = new Histogram({
      name: 'kspan_api_requests_per_event',
      help: 'API requests made to describe the objects of one event (cache misses)',
      buckets: [0, 1, 2, 4, 8],
      registers: r,
    });
    this.watchRestarts = new Counter({
      name: 'kspan_watch_restarts_total',
      help: 'Watch restarts, by resource and reason (closed|dropped|gone|error)',
      labelNames: ['resource', 'reason'],
      registers: r,
    });
    this.watchMalformedLines = new Counter({
      name: 'kspan_watch_malformed_lines_total',
      help: 'Watch stream lines that were not JSON watch events (skipped)',
      labelNames: ['resource'],
      registers: r,
    });
    this.exportedSpans = new Counter({
      name: 'kspan_exported_spans_total',
      help: 'Spans the OTLP exporter accepted',
      registers: r,
    });
    this.exportFailures = new Counter({
      name: 'kspan_export_failures_total',
      help: 'Failed export attempts (each is retried with backoff)',
      registers: r,
    });
    this.exportDroppedSpans = new Counter({
      name: 'kspan_export_dropped_spans_total',
      help: 'Spans lost before the collector accepted them, by reason (queue-full|shutdown|rejected)',
      labelNames: ['reason'],
      registers: r,
    });
    this.exportQueueSize = new Gauge({
      name: 'kspan_export_queue_size',
      help: 'Spans held by the export queue (waiting or in flight)',
      registers: r,
    });
    this.exportQueueBytes = new Gauge({
      name: 'kspan_export_queue_bytes',
      help: 'Estimated bytes of the spans held by the export queue',
      registers: r,
    });
    this.isLeader = new Gauge({
      name: 'kspan_is_leader',
      help: '1 when this replica exports spans (leader, or leader election off)',
      registers: r,
    });
    this.recordsFed = new Counter({
      name: 'kspan_records_fed_total',
      help: 'Input records fed to the engine, by type (event|object|tick)',
      labelNames: ['type'],
      registers: r,
    });
  }

  /** Publishes the engine's pending sizes and diagnostic counts at each scrape. */
  observeEngine(engine: SpanEngine): void {
    const stats = (key: 'pendingEvents' | 'openTraces' | 'openSpans') => {
      try {
        return engine.stats()[key];
      } catch {
        return 0;
      }
    };
    new Gauge({
      name: 'kspan_engine_pending_events',
      help: 'Events waiting for their parent or their window',
      registers: [this.registry],
      collect() {
        this.set(stats('pendingEvents'));
      },
    });
    new Gauge({
      name: 'kspan_engine_open_traces',
      help: 'Traces the engine holds open',
      registers: [this.registry],
      collect() {
        this.set(stats('openTraces'));
      },
    });
    new Gauge({
      name: 'kspan_engine_open_spans',
      help: 'Spans the engine holds open',
      registers: [this.registry],
      collect() {
        this.set(stats('openSpans'));
      },
    });
    const reported: Record<string, number> = {};
    new Counter({
      name: 'kspan_diagnostics_total',
      help: 'Problems the engine counted instead of failing, by diagnostic code',
      labelNames: ['code'],
      registers: [this.registry],
      collect() {
        for (const [code, n] of Object.entries(engine.diagnostics.counts)) {
          const delta = n - (reported[code] ?? 0);
          if (delta > 0) this.inc({ code }, delta);
          reported[code] = n;
        }
      },
    });
  }

  /** Publishes gauges read at each scrape (delivered-but-unprocessed events, oldest pending ages…). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        try {
          this.set(read());
        } catch {
          this.set(0);
        }
      },
    });
  }

  /** Sum of a counter over all its labels. */
  static async total(counter: Counter<string>): Promise<number> {
    const got = await counter.get();
    return got.values.reduce((sum, v) => sum + v.value, 0);
  }
}
