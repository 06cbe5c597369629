import type { InputRecord, WatchType } from '../core/input-record.ts';
import type { KubeEvent, KubeObject } from '../core/kube.ts';
import { formatTimeUs } from '../core/time.ts';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { DriverMetrics } from './driver-metrics.ts';
import { involvedObjectOf, lastSeenMsOf, occurrenceKeyOf } from './event-fields.ts';
import { EventFilter } from './event-filter.ts';
import { KubeApiError, explainKubeApiError } from './kube-api-error.ts';
import type { KubeApi } from './kube-api.ts';
import { ListWatcher, type RawObject } from './list-watcher.ts';
import type { Logger } from './logger.ts';
import { ObjectCache, type ObjectLookup } from './object-cache.ts';
import type { RandomSource } from './random-source.ts';
import { SeenSet } from './seen-set.ts';
import type { RecordWriter, SpanEngine } from './span-engine.ts';

/** The object lookup the driver starts and stops with itself. */
export interface ManagedObjectLookup extends ObjectLookup {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of `ClusterDriver`. */
export interface ClusterDriverOptions {
  readonly api: KubeApi;
  readonly engine: SpanEngine;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: DriverMetrics;
  /** The engine's window: listed events older than start − window are skipped. */
  readonly windowMs: number;
  readonly filter?: EventFilter;
  /** Receives every record fed to the engine (`--record`). */
  readonly recorder?: RecordWriter;
  readonly random?: RandomSource;
  /** Default: an `ObjectCache` (list+watch of the common kinds, TTL cache for the rest). */
  readonly objects?: ManagedObjectLookup;
  readonly tickMs?: number;
  readonly seenCapacity?: number;
  /** Number of API requests made so far (for the per-event measure); default: the `kspan_api_requests_total` sum. */
  readonly requestCount?: () => number;
  /** An unchanged object is described again after this long (the engine forgets objects not re-described; default 30 min). */
  readonly redescribeMs?: number;
}

const EVENTS_V1 = '/apis/events.k8s.io/v1/events';
const EVENTS_CORE = '/api/v1/events';
const MAX_OWNER_DEPTH = 8;

/**
 * `kspan run`: watches Events (events.k8s.io/v1, or core/v1 where that API is missing), describes their
 * objects and owners from a cache, and feeds the engine `event`, `object` and `tick` records, in order.
 */
export class ClusterDriver {
  private readonly options: ClusterDriverOptions;
  private readonly filter: EventFilter;
  private readonly seen: SeenSet;
  private readonly objects: ManagedObjectLookup;
  /** uid → resourceVersion (and when) of the object snapshots already fed. */
  private readonly fed = new Map<string, { version: string; atMs: number }>();
  private eventWatcher: ListWatcher | undefined;
  private chain: Promise<void> = Promise.resolve();
  private cancelTick: (() => void) | undefined;
  private startedAtMs = 0;
  private isReady = false;
  private stopped = false;
  private requests = 0;
  /** The events path in use. */
  eventsPath = EVENTS_V1;

  constructor(options: ClusterDriverOptions) {
    this.options = options;
    this.filter = options.filter ?? new EventFilter();
    this.seen = new SeenSet(options.seenCapacity);
    this.objects =
      options.objects ??
      new ObjectCache({
        api: options.api,
        clock: options.clock,
        logger: options.logger,
        random: options.random,
        onChange: (object, deleted) => this.onObjectChange(object, deleted),
        onMalformed: (resource) => options.metrics.watchMalformedLines.inc({ resource }),
        onRestart: (resource, reason) => options.metrics.watchRestarts.inc({ resource, reason }),
      });
  }

  /** True once the initial lists have synced and the watches are open. */
  get ready(): boolean {
    return this.isReady;
  }

  /** Counts one API request (wire `HttpsKubeApi`'s `onRequest` here too). */
  countRequest(): void {
    this.requests++;
  }

  /** Lists and starts watching; rejects with an actionable error when the events cannot be listed or watched. */
  async start(): Promise<void> {
    const { api, clock, logger, metrics } = this.options;
    this.startedAtMs = clock.now();
    this.eventsPath = await this.discoverEventsPath();
    logger.info('watching events', { path: this.eventsPath, server: api.server });
    await this.objects.start();
    this.eventWatcher = new ListWatcher({
      api,
      clock,
      logger,
      path: this.eventsPath,
      backoff: new Backoff({ random: this.options.random }),
      handler: {
        onList: (items, phase) => {
          for (const item of items) this.enqueue(item, undefined, phase);
        },
        onEvent: (type, object) => this.enqueue(object, type, 'watch'),
        onMalformed: () => metrics.watchMalformedLines.inc({ resource: 'events' }),
        onRestart: (reason) => metrics.watchRestarts.inc({ resource: 'events', reason }),
      },
    });
    await this.eventWatcher.start();
    await this.chain;
    this.scheduleTick();
    this.isReady = true;
    logger.info('initial list synced; ready');
  }

  /** Stops watching, feeds the queued records and a last tick, then closes the engine (flushing its spans). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTick?.();
    await Promise.all([this.eventWatcher?.stop(), this.objects.stop()]);
    await this.chain;
    this.feed({ type: 'tick', at: this.at() });
    try {
      this.options.engine.close();
    } catch (err) {
      this.options.logger.error('engine.close failed', { error: (err as Error).message });
    }
  }

  /** Resolves when every event received so far has been fed (tests). */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.chain;
      await current;
    } while (current !== this.chain);
  }

  private async discoverEventsPath(): Promise<string> {
    try {
      await this.options.api.get('/apis/events.k8s.io/v1');
      return EVENTS_V1;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) {
        this.options.logger.info('events.k8s.io/v1 is not served; falling back to core/v1 events');
        return EVENTS_CORE;
      }
      // Unreachable, or the credentials are refused: say so before anything else fails the same way.
      if (!(err instanceof KubeApiError) || err.status === undefined || err.status === 401)
        throw explainKubeApiError(err, this.options.api.server);
      return EVENTS_V1; // e.g. 403 on discovery: the list reports the missing permission more precisely
    }
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.cancelTick = this.options.clock.schedule(this.options.tickMs ?? 1000, () => {
      this.serially('a tick', () => {
        if (!this.stopped) this.feed({ type: 'tick', at: this.at() });
      });
      this.scheduleTick();
    });
  }

  /** Runs `step` after every step before it; a failing step is logged and never stops the ones after it. */
  private serially(what: string, step: () => void | Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      this.options.logger.error(`failed to process ${what}`, { error: (err as Error).message });
    });
  }

  private enqueue(event: KubeEvent, watch: WatchType | undefined, phase: 'initial' | 'relist' | 'watch'): void {
    this.serially('an event', () => this.process(event, watch, phase));
  }

  private async process(
    event: KubeEvent,
    watch: WatchType | undefined,
    phase: 'initial' | 'relist' | 'watch',
  ): Promise<void> {
    const { metrics, windowMs } = this.options;
    if (this.stopped) return;
    if (watch === 'DELETED') {
      metrics.eventsSkipped.inc({ reason: 'deleted' });
      return;
    }
    const involved = involvedObjectOf(event);
    metrics.eventsReceived.inc({ kind: involved?.kind ?? '', reason: event.reason ?? '', type: event.type ?? '' });
    const rejected = this.filter.reject(event);
    if (rejected !== undefined) {
      metrics.eventsSkipped.inc({ reason: `filtered-${rejected}` });
      return;
    }
    if (!this.seen.add(occurrenceKeyOf(event))) {
      metrics.eventsSkipped.inc({ reason: 'duplicate' });
      return;
    }
    if (phase !== 'watch') {
      const last = lastSeenMsOf(event);
      if (last !== undefined && last < this.startedAtMs - windowMs) {
        metrics.eventsSkipped.inc({ reason: 'stale' });
        return;
      }
    }
    const before = this.requestCount();
    if (involved?.kind && involved.name) {
      const chain = await this.describe({
        kind: involved.kind,
        apiVersion: involved.apiVersion,
        namespace: involved.namespace,
        name: involved.name,
      });
      for (const object of chain) this.feedObject(object, false);
    }
    metrics.apiRequestsPerEvent.observe(this.requestCount() - before);
    this.feed(
      watch === undefined ? { type: 'event', at: this.at(), event } : { type: 'event', at: this.at(), watch, event },
    );
  }

  /** The object and its owners, root last. */
  private async describe(ref: {
    kind: string;
    apiVersion?: string;
    namespace?: string;
    name: string;
  }): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    const visited = new Set<string>();
    let queue = [ref];
    for (let depth = 0; depth < MAX_OWNER_DEPTH && queue.length > 0; depth++) {
      const next: typeof queue = [];
      for (const r of queue) {
        const object = await this.objects.lookup(r);
        const uid = object?.metadata?.uid;
        if (object === undefined || uid === undefined || visited.has(uid)) continue;
        visited.add(uid);
        out.push(object);
        for (const owner of object.metadata?.ownerReferences ?? []) {
          next.push({
            kind: owner.kind,
            apiVersion: owner.apiVersion,
            namespace: object.metadata?.namespace,
            name: owner.name,
          });
        }
      }
      queue = next;
    }
    return out;
  }

  private onObjectChange(object: KubeObject, deleted: boolean): void {
    const uid = object.metadata?.uid;
    if (uid === undefined || !this.fed.has(uid)) return; // only objects the engine already knows
    this.serially('an object change', () => {
      if (!this.stopped) this.feedObject(object, deleted);
    });
  }

  private feedObject(object: KubeObject, deleted: boolean): void {
    const uid = object.metadata?.uid;
    if (uid === undefined) return;
    const version = deleted ? 'deleted' : (object.metadata?.resourceVersion ?? '');
    const now = this.options.clock.now();
    const last = this.fed.get(uid);
    if (last !== undefined && last.version === version && now - last.atMs < (this.options.redescribeMs ?? 30 * 60_000))
      return;
    this.fed.delete(uid);
    this.fed.set(uid, { version, atMs: now });
    if (this.fed.size > 100_000) {
      const oldest = this.fed.keys().next().value;
      if (oldest !== undefined) this.fed.delete(oldest);
    }
    this.feed(
      deleted ? { type: 'object', at: this.at(), deleted: true, object } : { type: 'object', at: this.at(), object },
    );
  }

  private feed(record: InputRecord): void {
    this.options.metrics.recordsFed.inc({ type: record.type });
    try {
      this.options.recorder?.write(record);
    } catch (err) {
      this.options.logger.error('cannot write the recording', { error: (err as Error).message });
    }
    this.options.engine.push(record);
  }

  private requestCount(): number {
    return this.options.requestCount?.() ?? this.requests;
  }

  private at(): string {
    return formatTimeUs(this.options.clock.now() * 1000);
  }
}

export type { RawObject };
