import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { collectDefaultMetrics } from 'prom-client';
import { Engine } from '../core/index.ts';
import { createOtlpTraceExporter } from '../export/otlp-exporter.ts';
import { SpanResources } from '../export/span-resources.ts';
import { NdjsonLogWriter } from '../input-log/ndjson-writer.ts';
import { sleep, SystemClock, type Clock } from './clock.ts';
import { CheckpointGate } from './checkpoint-gate.ts';
import { ClusterDriver } from './cluster-driver.ts';
import { discoverClusterUid } from './cluster-uid.ts';
import { DriverMetrics } from './driver-metrics.ts';
import { EventFilter } from './event-filter.ts';
import { ExportLedger } from './export-ledger.ts';
import { HttpsKubeApi } from './https-kube-api.ts';
import type { KubeCredentials } from './kube-credentials.ts';
import { loadKubeConfig } from './kube-config-loader.ts';
import { LeaderElector } from './leader-elector.ts';
import { advertisedEndpoint, answerHandover, requestHandover } from './leader-handover.ts';
import { openRecordFile, type RecordFile } from './record-file.ts';
import { JsonLogger, type Logger } from './logger.ts';
import type { RandomSource } from './random-source.ts';
import type { RunOptions } from './run-options.ts';
import { SpanExportQueue } from './span-export-queue.ts';
import { RecentTraces } from './recent-traces.ts';
import { parseListenAddress, StatusServer } from './status-server.ts';

/** Edges a test (or an embedding program) may replace; production uses the defaults. */
export interface ProductionEdges {
  readonly kubeConfig?: KubeCredentials;
  readonly exporter?: SpanExporter;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly logger?: Logger;
  /** Skip process-level metrics (tests start several runs in one process). */
  readonly defaultMetrics?: boolean;
}

/** How a run ended: spans lost over its life, by cause (0 everywhere: nothing lost). */
export interface RunSummary {
  readonly exportedSpans: number;
  readonly lostSpans: number;
  readonly lostByCause: Readonly<Record<string, number>>;
  /**
   * Spans held at shutdown that the (next) leader exports, not lost: a follower's, or what a leader could not send
   * within the grace period (its checkpoint says what it exported; the next leader rebuilds the rest).
   */
  readonly leftToLeader: number;
}

/** A failing API for this long makes /readyz false. */
const API_UNREACHABLE_MS = 10_000;

/**
 * The composition root of `kspan run`: kubeconfig → API → object cache and event watch → engine →
 * export ledger (checkpoint in the Lease) → export queue (sends while leading) → OTLP exporter, plus
 * `--record`, metrics and probes.
 */
export class ProductionRun {
  readonly metrics: DriverMetrics;
  readonly driver: ClusterDriver;
  readonly queue: SpanExportQueue;
  readonly ledger: ExportLedger;
  readonly logger: Logger;
  /** The bound port of /metrics, /healthz and /readyz. */
  metricsPort = 0;
  private readonly options: RunOptions;
  private readonly status: StatusServer;
  private readonly elector: LeaderElector | undefined;
  private readonly gate: CheckpointGate | undefined;
  private readonly recordFile: RecordFile | undefined;
  private readonly clock: Clock;
  private readonly api: HttpsKubeApi;
  /** The spans' resources; `start` adds the discovered cluster UID. */
  private resources: SpanResources;
  private stopping: Promise<RunSummary> | undefined;
  private apiFailingSince: number | undefined;
  /** The checkpoint this process last wrote to the Lease (read back at each renewal). */
  private lastCheckpoint: string | undefined;
  /** `host:port` of the status server as other replicas reach it (kept in the Lease while leading). */
  private endpoint: string | undefined;
  /** A new leader sends nothing until the previous one handed over its ledger, or did not answer. */
  private handoverPending = false;

  private constructor(options: RunOptions, edges: ProductionEdges) {
    this.options = options;
    const clock = (this.clock = edges.clock ?? new SystemClock());
    const logger = (this.logger = edges.logger ?? new JsonLogger({ level: options.logLevel, now: () => clock.now() }));
    const metrics = (this.metrics = new DriverMetrics());
    if (edges.defaultMetrics !== false) collectDefaultMetrics({ register: metrics.registry });
    const kubeConfig = edges.kubeConfig ?? loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context });
    this.resources = SpanResources.fromEnvironment(
      options.clusterName !== undefined ? { name: options.clusterName } : {},
    );
    if (this.resources.warning !== undefined) logger.warn('resource attributes', { problem: this.resources.warning });
    const api = (this.api = new HttpsKubeApi({
      kubeConfig,
      onRequest: (r) => metrics.apiRequests.inc(r),
      onAnswer: (ok) => {
        if (ok) this.apiFailingSince = undefined;
        else this.apiFailingSince ??= clock.now();
      },
    }));
    const mayExport = (spans?: number, inFlight?: number): boolean =>
      !this.handoverPending && (this.gate?.mayExport(spans, inFlight) ?? true);
    this.queue = new SpanExportQueue({
      exporter: edges.exporter ?? createOtlpTraceExporter(options.otlp),
      clock,
      logger,
      metrics,
      maxQueueSize: options.maxQueueSize,
      maxQueueBytes: options.maxQueueBytes,
      isOpen: mayExport,
      onExported: (batch) => {
        this.ledger.exported(batch);
        this.gate?.exported();
      },
      resources: () => this.resources,
    });
    this.ledger = new ExportLedger({
      clock,
      forward: (item) => this.queue.enqueue(item),
      onAlreadyExported: () => metrics.spansAlreadyExported.inc(),
      fedRevision: () => this.driver.fedRevision,
      unplacedFloorUs: () => engine.unplacedFloorUs(),
      writer: `${options.identity}.${clock.now().toString(36)}`,
    });
    metrics.gauge(
      'kspan_export_queue_oldest_age_seconds',
      'Age of the oldest span held for export',
      () => this.queue.oldestAgeMs() / 1000,
    );
    if (options.leaderElect) {
      this.elector = new LeaderElector({
        api,
        clock,
        logger,
        namespace: options.leaseNamespace,
        name: options.leaseName,
        identity: options.identity,
        onChange: (leader) => {
          metrics.isLeader.set(leader ? 1 : 0);
          this.queue.poke();
        },
        onRenewed: () => this.queue.poke(),
        checkpoint: {
          read: (value) => {
            // Its own checkpoint read back (every renewal) covers nothing new: no walk over the whole queue then.
            if (this.ledger.merge(value) && value !== this.lastCheckpoint)
              this.queue.discard((item) => this.ledger.takeCovered(item));
          },
          write: () => (this.lastCheckpoint = this.ledger.checkpoint()),
          written: () => this.ledger.stored(),
        },
        endpoint: () => this.endpoint,
        onTakeover: (previous) => this.takeOver(previous),
      });
      this.gate = new CheckpointGate({ clock, writer: this.elector, unrecorded: () => this.ledger.unrecorded });
    } else {
      metrics.isLeader.set(1);
    }
    const ledger = this.ledger;
    const recent = options.uiMaxSpans === undefined ? undefined : new RecentTraces(options.uiMaxSpans);
    const sink = {
      emit: (span: Parameters<ExportLedger['emit']>[0]) => {
        metrics.spansEmitted.inc();
        recent?.add(span);
        ledger.emit(span);
      },
      late: (spanId: string, startUs: number) => ledger.late(spanId, startUs),
    };
    const engine = new Engine({
      windowMs: options.windowMs,
      idleMs: options.idleMs,
      sink,
      ...(options.retargetRules === undefined ? {} : { retargetRules: options.retargetRules }),
    });
    metrics.observeEngine(engine);
    if (options.record !== undefined) this.recordFile = openRecordFile(options.record, logger);
    const driver = (this.driver = new ClusterDriver({
      api,
      engine,
      clock,
      logger,
      metrics,
      windowMs: options.windowMs,
      feedStale: () => this.ledger.hasCheckpoint,
      backpressure: this.queue,
      filter: new EventFilter({
        namespaces: options.namespaces,
        excludeNamespaces: options.excludeNamespaces,
        kinds: options.kinds,
        eventTypes: options.eventTypes,
      }),
      recorder: this.recordFile === undefined ? undefined : new NdjsonLogWriter(this.recordFile.stream),
      random: edges.random,
    }));
    this.status = new StatusServer({
      registry: metrics.registry,
      ready: () => this.readiness(driver),
      logger,
      ...(recent === undefined ? {} : { ui: () => recentTracesPage(recent, this.options.identity) }),
      handover: () => {
        const elector = this.elector;
        return answerHandover({
          get leading() {
            return elector?.isLeader ?? true;
          },
          settled: (ms) => this.queue.settled(ms),
          ledger: () => this.ledger.checkpoint(false),
        });
      },
    });
  }

  /**
   * The Lease was taken over from a holder that did not release it: unless that holder was this process's own
   * identity (a restart: the old process is gone), ask it for its ledger before sending anything.
   */
  private takeOver(previous: { identity: string; endpoint: string | undefined }): void {
    const { endpoint, identity } = previous;
    if (endpoint === undefined || identity === this.options.identity || endpoint === this.endpoint) return;
    this.handoverPending = true;
    void requestHandover({ endpoint, logger: this.logger })
      .then((ledger) => {
        const merged = ledger !== undefined && this.ledger.merge(ledger);
        this.metrics.handovers.inc({ outcome: merged ? 'ledger' : 'none' });
        if (!merged) return;
        const skipped = this.queue.discard((item) => this.ledger.takeCovered(item));
        this.logger.info('the previous leader handed over its ledger', { previous: identity, skipped });
      })
      .finally(() => {
        this.handoverPending = false;
        this.elector?.renewSoon();
        this.queue.poke();
      });
  }

  /** True when this replica can export now; otherwise why not (the /readyz body). */
  private readiness(driver: ClusterDriver): true | string {
    if (!driver.ready) return 'initial list not synced yet';
    if (this.elector !== undefined && !this.elector.isLeader) return 'not the leader (a warm standby)';
    if (this.queue.saturated) return 'export queue saturated (is the OTLP endpoint slow or down?)';
    if (this.apiFailingSince !== undefined && this.clock.now() - this.apiFailingSince >= API_UNREACHABLE_MS)
      return 'the Kubernetes API is failing';
    return true;
  }

  /** Builds everything, serves the probes, then lists and watches; rejects with an actionable error. */
  static async start(options: RunOptions, edges: ProductionEdges = {}): Promise<ProductionRun> {
    const run = new ProductionRun(options, edges);
    const { logger } = run;
    logger.info('starting kspan run', {
      windowMs: options.windowMs,
      otlpEndpoint: options.otlp.url,
      otlpEndpointFrom: options.otlp.urlFrom,
      otlpProtocol: options.otlp.protocol,
      otlpInsecure: options.otlp.insecure,
      otlpHeaderCount: Object.keys(options.otlp.headers).length,
      record: options.record,
      leaderElect: options.leaderElect,
    });
    run.metricsPort = await run.status.listen(options.metricsAddr);
    run.endpoint = advertisedEndpoint(parseListenAddress(options.metricsAddr).host, run.metricsPort, options.podIp);
    try {
      const uid = await discoverClusterUid(run.api, logger);
      if (uid !== undefined) {
        run.resources = SpanResources.fromEnvironment({
          ...(options.clusterName !== undefined ? { name: options.clusterName } : {}),
          uid,
        });
        logger.info('cluster identity', {
          clusterUid: uid,
          clusterName: options.clusterName ?? process.env.KSPAN_CLUSTER_NAME,
        });
      }
      if (run.elector !== undefined) await run.elector.start();
      await run.driver.start();
    } catch (err) {
      await run.stop().catch(() => {});
      throw err;
    }
    return run;
  }

  /**
   * SIGTERM: within `graceMs`, stop watching, feed what was delivered, close the engine (it flushes every trace
   * it holds), export it all, write the checkpoint and release the Lease. Resolves with what was lost.
   */
  stop(graceMs = this.options.shutdownGraceMs): Promise<RunSummary> {
    this.stopping ??= (async () => {
      const { clock, logger, queue } = this;
      const deadline = clock.now() + graceMs;
      logger.info('shutting down: flushing every span held', { graceMs });
      queue.beginDrain();
      this.gate?.relax();
      await this.driver.stop(deadline - 3000);
      let leftToLeader: number;
      if (this.elector !== undefined && !this.elector.isLeader) {
        // One attempt now, bounded: a lease this replica lost in an API stall, or one nobody renews, is taken back.
        const capMs = Math.max(0, Math.min(5000, deadline - 10_000 - clock.now()));
        const cap = sleep(clock, capMs).then(() => false);
        if (await Promise.race([this.elector.leadBeforeStop().catch(() => false), cap]))
          logger.info('leading again: flushing what it holds before stopping');
      }
      if (this.elector !== undefined && !this.elector.isLeader) {
        leftToLeader = queue.abandon();
        if (leftToLeader > 0)
          logger.info("not the leader: held spans are the leader's to export", { spans: leftToLeader });
        await queue.shutdown(clock.now());
      } else {
        // With leader election the Lease holds the checkpoint: what is not sent in time is the next leader's.
        leftToLeader = await queue.shutdown(deadline - 1500, this.elector !== undefined);
      }
      await this.elector?.stop();
      await this.recordFile?.close();
      await this.status.close();
      const lostByCause = queue.droppedByCause();
      const lostSpans = Object.values(lostByCause).reduce((a, b) => a + b, 0);
      const exportedSpans = await DriverMetrics.total(this.metrics.exportedSpans);
      const summary = { exportedSpans, lostSpans, lostByCause, leftToLeader };
      if (lostSpans > 0) logger.error('stopped; spans were lost', summary);
      else logger.info('stopped; nothing lost', summary);
      return summary;
    })();
    return this.stopping;
  }
}

/** The HTML report of the recent traces (report/ loads only when the page is first asked for). */
async function recentTracesPage(recent: RecentTraces, identity: string): Promise<string> {
  const { renderHtmlReport } = await import('../report/html-report.ts');
  return renderHtmlReport(recent.spans(), {
    title: `kspan run ${identity}: the ${recent.traceCount} most recent traces (${recent.size} spans)`,
  });
}
