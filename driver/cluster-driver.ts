import {
  formatTimeUs,
  revisionOf,
  type InputRecord,
  type KubeEvent,
  type KubeObject,
  type WatchType,
} from '../core/index.ts';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { DriverMetrics } from './driver-metrics.ts';
import { eventForEngine } from './engine-view.ts';
import { involvedObjectOf, lastSeenMsOf, occurrenceKeyOf } from './event-fields.ts';
import { EventFilter } from './event-filter.ts';
import { KubeApiError, explainKubeApiError } from './kube-api-error.ts';
import type { KubeApi } from './kube-api.ts';
import { ListWatcher, WATCH_RETRY_MAX_MS, type RawObject } from './list-watcher.ts';
import type { Logger } from './logger.ts';
import { ObjectCache, type ObjectLookup, type ObjectRef } from './object-cache.ts';
import type { RandomSource } from './random-source.ts';
import { Fifo } from './fifo.ts';
import { SeenSet } from './seen-set.ts';
import type { RecordWriter, SpanEngine } from './span-engine.ts';

/** The object lookup the driver starts and stops with itself. */
export interface ManagedObjectLookup extends ObjectLookup {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Forgets every object held: no lookup comes after (the engine is closed). */
  release?(): void;
}

/** What slows the driver down: the export queue, when it holds too much. */
export interface Backpressure {
  /** True while the driver should stop feeding the engine (the engine's spans would go into a full queue). */
  readonly saturated: boolean;
  /** Resolves once `saturated` is false again. */
  whenDrained(): Promise<void>;
}

/** Options of `ClusterDriver`. */
export interface ClusterDriverOptions {
  readonly api: KubeApi;
  readonly engine: SpanEngine;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: DriverMetrics;
  /** The engine's window: listed events older than start − window are skipped (unless `feedStale`). */
  readonly windowMs: number;
  /** True when listed events must all be fed, old ones too: a checkpoint says what was exported (restart, failover). */
  readonly feedStale?: () => boolean;
  readonly filter?: EventFilter;
  /** Receives every record fed to the engine (`--record`). */
  readonly recorder?: RecordWriter;
  readonly random?: RandomSource;
  /** Default: an `ObjectCache` (list+watch of the common kinds, TTL cache for the rest). */
  readonly objects?: ManagedObjectLookup;
  readonly backpressure?: Backpressure;
  readonly tickMs?: number;
  readonly seenCapacity?: number;
  /** An unchanged object is described again after this long (the engine forgets objects not re-described; default 30 min). */
  readonly redescribeMs?: number;
  /** Events delivered but not fed yet, at most; beyond this the event watch is paused (default 10,000). */
  readonly maxIntake?: number;
  /** Object lookups in flight at most (default 16). */
  readonly maxLookups?: number;
  /** Records fed before the driver yields to the event loop (default 256; it also yields after 10 ms). */
  readonly sliceSize?: number;
}

const EVENTS_V1 = '/apis/events.k8s.io/v1/events';
const EVENTS_CORE = '/api/v1/events';
const MAX_OWNER_DEPTH = 8;
const SLICE_MS = 10;

type Phase = 'initial' | 'relist' | 'watch';

/** One delivered event waiting to be fed; its objects are looked up ahead of it, concurrently. */
interface EventItem {
  readonly type: 'event';
  readonly event: KubeEvent;
  readonly watch: WatchType | undefined;
  readonly receivedAtMs: number;
  readonly ref: ObjectRef | undefined;
  /** A watched Event's resourceVersion: once fed, every Event up to it was (watches deliver in that order). */
  readonly advancesTo: string | undefined;
  lookup?: Promise<void>;
  described?: KubeObject[];
  requests: number;
}

type IntakeItem =
  | EventItem
  | { readonly type: 'object'; readonly uid: string }
  | { readonly type: 'tick' }
  /** The end of a list: once fed, every Event up to the list's resourceVersion was. */
  | { readonly type: 'listed'; readonly resourceVersion: string };

/**
 * `kspan run`: watches Events (events.k8s.io/v1, or core/v1 where that API is missing), describes their
 * objects and owners from a cache, and feeds the engine `event`, `object` and `tick` records, in order.
 *
 * Delivered events wait in a bounded intake buffer; the objects of the next `maxLookups` are looked up
 * concurrently, so one slow lookup does not cost every later event its latency, and events are still fed in
 * delivery order. The buffer is fed in slices that yield to the event loop, so the exporter, the probes and
 * the Lease keep their deadlines under any burst. A saturated export queue stops the feeding; a full buffer
 * then pauses the event watch (the API server holds the rest), which resumes where it stopped.
 */
export class ClusterDriver {
  private readonly options: ClusterDriverOptions;
  private readonly filter: EventFilter;
  private readonly seen: SeenSet;
  private readonly objects: ManagedObjectLookup;
  /** uid → resourceVersion (and when) of the object snapshots already fed. */
  private readonly fed = new Map<string, { version: string; atMs: number }>();
  private readonly intake = new Fifo<IntakeItem>();
  /** Latest change of each object with an `object` item in the intake. */
  private readonly changes = new Map<string, { object: KubeObject; deleted: boolean }>();
  private readonly maxIntake: number;
  private readonly maxLookups: number;
  private eventWatcher: ListWatcher | undefined;
  private cancelTick: (() => void) | undefined;
  private tickQueued = false;
  /** Index (from the intake's head) of the first event whose lookup has not started. */
  private lookupCursor = 0;
  private lookupsInFlight = 0;
  private draining: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private startedAtMs = 0;
  private isReady = false;
  private stopping = false;
  private stopped = false;
  private watchPaused = false;
  /** Every Event with a resourceVersion up to this was fed (or skipped); see `fedRevision`. */
  private fedThrough = 0;
  /** An Event or list whose resourceVersion was not an integer was fed: `fedRevision` cannot say. */
  private revisionUnknown = false;
  /** The events path in use. */
  eventsPath = EVENTS_V1;

  constructor(options: ClusterDriverOptions) {
    this.options = options;
    this.filter = options.filter ?? new EventFilter();
    this.seen = new SeenSet(options.seenCapacity);
    this.maxIntake = options.maxIntake ?? 10_000;
    this.maxLookups = options.maxLookups ?? 16;
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
    options.metrics.gauge(
      'kspan_intake_events',
      'Events delivered by the API but not fed to the engine yet',
      () => this.pendingEvents,
    );
    options.metrics.gauge(
      'kspan_intake_oldest_age_seconds',
      'Age of the oldest event delivered but not fed yet',
      () => this.oldestPendingAgeMs() / 1000,
    );
    options.metrics.gauge('kspan_object_lookups_in_flight', 'Object lookups running', () => this.lookupsInFlight);
    options.metrics.gauge('kspan_event_watch_paused', '1 while the event watch is paused (backpressure)', () =>
      this.watchPaused ? 1 : 0,
    );
  }

  /** True once the initial lists have synced and the watches are open. */
  get ready(): boolean {
    return this.isReady && !this.stopping;
  }

  /** Records waiting in the intake buffer (events, object changes, ticks). */
  get pendingRecords(): number {
    return this.intake.length;
  }

  /** Events delivered but not fed yet. */
  get pendingEvents(): number {
    let n = 0;
    for (let i = 0; i < this.intake.length; i++) if (this.intake.at(i)?.type === 'event') n++;
    return n;
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
      backoff: new Backoff({ random: this.options.random, maxMs: WATCH_RETRY_MAX_MS }),
      handler: {
        onList: (items, phase) => {
          for (const item of items) this.accept(item, undefined, phase);
          this.push({ type: 'listed', resourceVersion: this.eventWatcher?.lastResourceVersion ?? '' });
        },
        onEvent: (type, object) => this.accept(object, type, 'watch'),
        onMalformed: () => metrics.watchMalformedLines.inc({ resource: 'events' }),
        onRestart: (reason) => metrics.watchRestarts.inc({ resource: 'events', reason }),
      },
    });
    await this.eventWatcher.start();
    await this.idle();
    this.scheduleTick();
    this.isReady = true;
    logger.info('initial list synced; ready');
  }

  /**
   * Stops watching, feeds everything delivered (objects looked up until `deadlineMs`, then fed without them),
   * a last tick, then closes the engine, which flushes every span it holds.
   */
  stop(deadlineMs = Infinity): Promise<void> {
    this.stopPromise ??= this.shutdown(deadlineMs);
    return this.stopPromise;
  }

  private async shutdown(deadlineMs: number): Promise<void> {
    this.stopping = true;
    this.cancelTick?.();
    await Promise.all([this.eventWatcher?.stop(), this.objects.stop()]);
    const cancel = Number.isFinite(deadlineMs)
      ? this.options.clock.schedule(Math.max(0, deadlineMs - this.options.clock.now() - 1000), () => {
          this.stopped = true; // lookups still running are given up on: their events are fed without objects
          this.wake?.();
        })
      : () => {};
    await this.idle();
    cancel();
    this.stopped = true;
    this.feed({ type: 'tick', at: this.at() });
    // The engine's last lookups are done: the cache's objects would stay for the whole flush otherwise.
    this.objects.release?.();
    try {
      this.options.engine.close();
    } catch (err) {
      this.options.logger.error('engine.close failed', { error: (err as Error).message });
    }
  }

  /** Resolves when every record delivered so far has been fed. */
  async idle(): Promise<void> {
    while (this.intake.length > 0 || this.draining !== undefined) {
      this.kick();
      await this.draining;
    }
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
    if (this.stopping) return;
    this.cancelTick = this.options.clock.schedule(this.options.tickMs ?? 1000, () => {
      if (!this.tickQueued) {
        this.tickQueued = true;
        this.push({ type: 'tick' });
      }
      this.scheduleTick();
    });
  }

  /** A delivered event: skipped at once when it is not to be fed, otherwise queued in delivery order. */
  private accept(event: KubeEvent, watch: WatchType | undefined, phase: Phase): void {
    const { metrics, windowMs } = this.options;
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
    if (this.seen.has(occurrenceKeyOf(event))) {
      metrics.eventsSkipped.inc({ reason: 'duplicate' });
      return;
    }
    if (phase !== 'watch' && this.options.feedStale?.() !== true) {
      const last = lastSeenMsOf(event);
      if (last !== undefined && last < this.startedAtMs - windowMs) {
        metrics.eventsSkipped.inc({ reason: 'stale' });
        return;
      }
    }
    this.seen.add(occurrenceKeyOf(event));
    const ref =
      involved?.kind && involved.name
        ? { kind: involved.kind, apiVersion: involved.apiVersion, namespace: involved.namespace, name: involved.name }
        : undefined;
    this.push({
      type: 'event',
      event: eventForEngine(event),
      watch,
      receivedAtMs: this.options.clock.now(),
      ref,
      advancesTo: phase === 'watch' ? (event.metadata?.resourceVersion ?? '') : undefined,
      requests: 0,
    });
  }

  private onObjectChange(object: KubeObject, deleted: boolean): void {
    const uid = object.metadata?.uid;
    if (uid === undefined || !this.fed.has(uid) || this.stopped) return; // only objects the engine already knows
    const queued = this.changes.has(uid);
    this.changes.set(uid, { object, deleted });
    if (!queued) this.push({ type: 'object', uid });
  }

  private push(item: IntakeItem): void {
    this.intake.push(item);
    if (!this.watchPaused && this.intake.length >= this.maxIntake && this.eventWatcher !== undefined) {
      this.watchPaused = true;
      this.options.metrics.intakePaused.inc({ cause: 'intake-buffer' });
      this.options.logger.info('intake buffer full: pausing the event watch', { pending: this.intake.length });
      this.eventWatcher.pause();
    }
    this.startLookups();
    this.kick();
  }

  /** Starts the lookups of the next events, in order, up to the concurrency bound. */
  private startLookups(): void {
    while (this.lookupsInFlight < this.maxLookups && this.lookupCursor < this.intake.length) {
      const item = this.intake.at(this.lookupCursor++);
      if (item?.type !== 'event' || item.ref === undefined) continue;
      this.lookupsInFlight++;
      const ref = item.ref;
      item.lookup = this.describe(ref, item)
        .then((objects) => {
          item.described = objects;
        })
        .catch((err: unknown) => {
          item.described = [];
          this.options.logger.warn('object lookup failed; the event is fed without its objects', {
            kind: ref.kind,
            name: ref.name,
            error: (err as Error).message,
          });
        })
        .finally(() => {
          this.lookupsInFlight--;
          this.startLookups();
          this.wake?.();
        });
    }
  }

  /** Starts the feeding loop unless it runs. */
  private kick(): void {
    if (this.draining !== undefined) {
      this.wake?.();
      return;
    }
    this.draining = this.drain()
      .catch((err: unknown) => {
        this.options.logger.error('the feeding loop failed', { error: (err as Error).message });
      })
      .finally(() => {
        this.draining = undefined;
        if (this.intake.length > 0 && !this.stopped) this.kick();
      });
  }

  /** Feeds the intake in order, in slices, until it is empty; waits for lookups and for the export queue. */
  private async drain(): Promise<void> {
    const sliceSize = this.options.sliceSize ?? 256;
    let fedInSlice = 0;
    let sliceStart = performance.now();
    while (this.intake.length > 0) {
      const backpressure = this.options.backpressure;
      if (!this.stopping && backpressure?.saturated === true) {
        this.options.metrics.intakePaused.inc({ cause: 'export-queue' });
        await backpressure.whenDrained();
        continue;
      }
      const head = this.intake.at(0) as IntakeItem;
      if (head.type === 'event' && head.ref !== undefined && head.described === undefined && !this.stopped) {
        await this.waitFor(head.lookup);
        continue;
      }
      this.intake.shift();
      this.lookupCursor = Math.max(0, this.lookupCursor - 1);
      this.process(head);
      if (this.watchPaused && this.intake.length <= this.maxIntake / 2) {
        this.watchPaused = false;
        this.options.logger.info('intake buffer drained: resuming the event watch', { pending: this.intake.length });
        this.eventWatcher?.resume();
      }
      if (++fedInSlice >= sliceSize || performance.now() - sliceStart >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        fedInSlice = 0;
        sliceStart = performance.now();
      }
    }
  }

  /** Waits for `lookup`, or for a wake-up (a new record, the stop deadline). */
  private async waitFor(lookup: Promise<void> | undefined): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      void lookup?.then(resolve);
      if (lookup === undefined) this.startLookups();
    });
    this.wake = undefined;
  }

  private process(item: IntakeItem): void {
    try {
      if (item.type === 'listed') {
        this.fedUpTo(item.resourceVersion);
      } else if (item.type === 'tick') {
        this.tickQueued = false;
        this.feed({ type: 'tick', at: this.at() });
      } else if (item.type === 'object') {
        const change = this.changes.get(item.uid);
        this.changes.delete(item.uid);
        if (change !== undefined) this.feedObject(change.object, change.deleted);
      } else {
        for (const object of item.described ?? []) this.feedObject(object, false);
        if (item.ref !== undefined) this.options.metrics.apiRequestsPerEvent.observe(item.requests);
        const at = this.at();
        this.feed(
          item.watch === undefined
            ? { type: 'event', at, event: item.event }
            : { type: 'event', at, watch: item.watch, event: item.event },
        );
        if (item.advancesTo !== undefined) this.fedUpTo(item.advancesTo);
      }
    } catch (err) {
      this.options.logger.error(`failed to process ${item.type === 'object' ? 'an object change' : `a ${item.type}`}`, {
        error: (err as Error).message,
      });
    }
  }

  /**
   * The resourceVersion up to which every Event delivered was fed to the engine (or skipped), as an integer;
   * undefined when some resourceVersion was not one (the API calls them opaque; etcd's are integers, and Events,
   * one resource, compare by them: KEP-5504). What the export checkpoint records as the Events this process had seen.
   */
  get fedRevision(): number | undefined {
    return this.revisionUnknown ? undefined : this.fedThrough;
  }

  private fedUpTo(resourceVersion: string): void {
    const revision = revisionOf(resourceVersion);
    if (revision === undefined) this.revisionUnknown = true;
    else if (revision > this.fedThrough) this.fedThrough = revision;
  }

  private oldestPendingAgeMs(): number {
    for (let i = 0; i < this.intake.length; i++) {
      const item = this.intake.at(i);
      if (item?.type === 'event') return this.options.clock.now() - item.receivedAtMs;
    }
    return 0;
  }

  /** The object and its owners, root last. */
  private async describe(ref: ObjectRef, stats: { requests: number }): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    const visited = new Set<string>();
    let queue = [ref];
    for (let depth = 0; depth < MAX_OWNER_DEPTH && queue.length > 0; depth++) {
      const next: ObjectRef[] = [];
      for (const r of queue) {
        const object = await this.objects.lookup(r, stats);
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

  private at(): string {
    return formatTimeUs(this.options.clock.now() * 1000);
  }
}

export type { RawObject };
