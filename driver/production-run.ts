import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { collectDefaultMetrics } from 'prom-client';
import { Engine } from '../core/engine.ts';
import { createOtlpTraceExporter } from '../export/otlp-exporter.ts';
import { toReadableSpan } from '../export/to-readable-span.ts';
import { NdjsonLogWriter } from '../input-log/ndjson-writer.ts';
import { SystemClock, type Clock } from './clock.ts';
import { ClusterDriver } from './cluster-driver.ts';
import { DriverMetrics } from './driver-metrics.ts';
import { EventFilter } from './event-filter.ts';
import { GatedSpanSink } from './gated-span-sink.ts';
import { HttpsKubeApi } from './https-kube-api.ts';
import { loadKubeConfig } from './kube-config-loader.ts';
import { LeaderElector } from './leader-elector.ts';
import { JsonLogger, type Logger } from './logger.ts';
import type { RandomSource } from './random-source.ts';
import type { RunOptions } from './run-options.ts';
import { SpanExportQueue } from './span-export-queue.ts';
import { StatusServer } from './status-server.ts';

/** Edges a test (or an embedding program) may replace; production uses the defaults. */
export interface ProductionEdges {
  readonly kubeConfig?: KubeConfig;
  readonly exporter?: SpanExporter;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly logger?: Logger;
  /** Skip process-level metrics (tests start several runs in one process). */
  readonly defaultMetrics?: boolean;
}

/**
 * The composition root of `kspan run`: kubeconfig → API → object cache and event watch → engine →
 * (leader gate) → export queue → OTLP exporter, plus `--record`, metrics and probes.
 */
export class ProductionRun {
  readonly metrics: DriverMetrics;
  readonly driver: ClusterDriver;
  readonly queue: SpanExportQueue;
  readonly logger: Logger;
  /** The bound port of /metrics, /healthz and /readyz. */
  metricsPort = 0;
  private readonly options: RunOptions;
  private readonly status: StatusServer;
  private readonly elector: LeaderElector | undefined;
  private readonly recordStream: fs.WriteStream | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(options: RunOptions, edges: ProductionEdges) {
    this.options = options;
    const clock = edges.clock ?? new SystemClock();
    const logger = (this.logger = edges.logger ?? new JsonLogger({ level: options.logLevel, now: () => clock.now() }));
    const metrics = (this.metrics = new DriverMetrics());
    if (edges.defaultMetrics !== false) collectDefaultMetrics({ register: metrics.registry });
    const kubeConfig = edges.kubeConfig ?? loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context });
    // Assigned once below; the API client's request counter, built first, reports to it.
    // eslint-disable-next-line prefer-const
    let driver: ClusterDriver | undefined;
    const api = new HttpsKubeApi({
      kubeConfig,
      onRequest: (r) => {
        metrics.apiRequests.inc(r);
        driver?.countRequest();
      },
    });
    this.queue = new SpanExportQueue({
      exporter:
        edges.exporter ??
        createOtlpTraceExporter({
          endpoint: options.otlp.endpoint,
          headers: options.otlp.headers,
          insecure: options.otlp.insecure,
        }),
      clock,
      logger,
      metrics,
      maxQueueSize: options.maxQueueSize,
    });
    if (options.leaderElect) {
      this.elector = new LeaderElector({
        api,
        clock,
        logger,
        namespace: options.leaseNamespace,
        name: options.leaseName,
        identity: options.identity,
        onChange: (leader) => metrics.isLeader.set(leader ? 1 : 0),
      });
    } else {
      metrics.isLeader.set(1);
    }
    const sink = new GatedSpanSink({
      isOpen: () => this.elector?.isLeader ?? true,
      forward: (span) => this.queue.enqueue(toReadableSpan(span)),
      metrics,
      logger,
    });
    const engine = new Engine({ windowMs: options.windowMs, idleMs: options.idleMs, sink });
    metrics.observeEngine(engine);
    if (options.record !== undefined) {
      this.recordStream = fs.createWriteStream(options.record, { flags: 'w' });
      this.recordStream.on('error', (err) =>
        logger.error('cannot write the --record file', { file: options.record, error: err.message }),
      );
    }
    driver = this.driver = new ClusterDriver({
      api,
      engine,
      clock,
      logger,
      metrics,
      windowMs: options.windowMs,
      filter: new EventFilter({
        namespaces: options.namespaces,
        excludeNamespaces: options.excludeNamespaces,
        kinds: options.kinds,
        eventTypes: options.eventTypes,
      }),
      recorder: this.recordStream === undefined ? undefined : new NdjsonLogWriter(this.recordStream),
      random: edges.random,
    });
    this.status = new StatusServer({ registry: metrics.registry, ready: () => driver.ready, logger });
  }

  /** Builds everything, serves the probes, then lists and watches; rejects with an actionable error. */
  static async start(options: RunOptions, edges: ProductionEdges = {}): Promise<ProductionRun> {
    const run = new ProductionRun(options, edges);
    const { logger } = run;
    logger.info('starting kspan run', {
      windowMs: options.windowMs,
      otlpEndpoint: options.otlp.endpoint ?? '(exporter default: localhost:4317)',
      otlpInsecure: options.otlp.insecure,
      otlpHeaderCount: Object.keys(options.otlp.headers).length,
      record: options.record,
      leaderElect: options.leaderElect,
    });
    run.metricsPort = await run.status.listen(options.metricsAddr);
    try {
      if (run.elector !== undefined) await run.elector.start();
      await run.driver.start();
    } catch (err) {
      await run.stop().catch(() => {});
      throw err;
    }
    return run;
  }

  /** SIGTERM: stop watching, close the engine (flushing its spans), flush the export queue, release the lease. */
  stop(flushTimeoutMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('shutting down: flushing spans');
      await this.driver.stop();
      await this.queue.shutdown(flushTimeoutMs);
      await this.elector?.stop();
      if (this.recordStream !== undefined) {
        this.recordStream.end();
        await finished(this.recordStream).catch(() => {});
      }
      await this.status.close();
      this.logger.info('stopped', { exportedSpans: await DriverMetrics.total(this.metrics.exportedSpans) });
    })();
    return this.stopping;
  }
}
