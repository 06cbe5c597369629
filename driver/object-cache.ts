import type { KubeObject } from '../core/index.ts';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import { KubeApiError } from './kube-api-error.ts';
import type { KubeApi } from './kube-api.ts';
import { ApiDiscovery } from './api-discovery.ts';
import { WATCHED_KINDS, collectionPath, type KindInfo } from './kind-registry.ts';
import { objectForEngine } from './engine-view.ts';
import { ListWatcher, WATCH_RETRY_MAX_MS, type RawObject } from './list-watcher.ts';
import type { Logger } from './logger.ts';
import type { RandomSource } from './random-source.ts';

/** A reference to look up. */
export interface ObjectRef {
  readonly kind: string;
  readonly apiVersion?: string;
  readonly namespace?: string;
  readonly name: string;
}

/** The driver's object lookup: from a cache, never one API request per event. */
export interface ObjectLookup {
  /** The object, or undefined when it does not exist or cannot be read. Never rejects. Counts its API requests in `stats`. */
  lookup(ref: ObjectRef, stats?: { requests: number }): Promise<KubeObject | undefined>;
}

/** Options of `ObjectCache`. */
export interface ObjectCacheOptions {
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random?: RandomSource;
  /** Kinds kept in sync by list+watch. */
  readonly kinds?: readonly KindInfo[];
  /** How long a GET answer (or a 404) for other kinds stays valid. */
  readonly ttlMs?: number;
  /** How long a miss of a watched kind is remembered (the watch usually delivers the object soon after). */
  readonly missTtlMs?: number;
  /** A watched object changed or was deleted. */
  readonly onChange?: (object: KubeObject, deleted: boolean) => void;
  readonly onMalformed?: (resource: string) => void;
  readonly onRestart?: (resource: string, reason: string) => void;
}

interface TtlEntry {
  readonly object: KubeObject | undefined;
  readonly expires: number;
}

/**
 * Informer-style cache: list+watch of the common kinds (Pods, ReplicaSets, Deployments, StatefulSets,
 * DaemonSets, Jobs, CronJobs, Nodes), a TTL cache with one GET on a miss for anything else, and concurrent
 * misses of one object coalesced into one request. Objects are kept as the engine reads them (`objectForEngine`).
 */
export class ObjectCache implements ObjectLookup {
  private readonly options: ObjectCacheOptions;
  private readonly store = new Map<string, KubeObject>();
  private readonly ttl = new Map<string, TtlEntry>();
  private readonly inflight = new Map<string, Promise<KubeObject | undefined>>();
  private readonly watchers: ListWatcher[] = [];
  private readonly synced = new Set<string>();
  private readonly forbidden = new Set<string>();
  private readonly discovery: ApiDiscovery;

  constructor(options: ObjectCacheOptions) {
    this.options = options;
    this.discovery = new ApiDiscovery(options.api, options.logger);
  }

  /** Starts the watches and waits for their first lists. A kind kspan may not watch is logged and read by GET instead. */
  async start(): Promise<void> {
    const { api, clock, logger } = this.options;
    await Promise.all(
      (this.options.kinds ?? WATCHED_KINDS).map(async (info) => {
        const watcher = new ListWatcher({
          api,
          clock,
          logger,
          path: collectionPath(info),
          backoff: new Backoff({ random: this.options.random, maxMs: WATCH_RETRY_MAX_MS }),
          handler: {
            onList: (items) => this.replace(info, items),
            onEvent: (type, object) => this.apply(info, type, object),
            onMalformed: () => this.options.onMalformed?.(info.resource),
            onRestart: (reason) => this.options.onRestart?.(info.resource, reason),
          },
        });
        try {
          await watcher.start();
          this.watchers.push(watcher);
          this.synced.add(info.kind);
        } catch (err) {
          const cause = (err as Error).cause;
          if (cause instanceof KubeApiError && cause.status === 403) this.forbidden.add(info.kind);
          logger.warn(`cannot watch ${info.resource}; spans about them will lack their owners`, {
            error: (err as Error).message,
          });
        }
      }),
    );
  }

  /** Stops the watches. */
  async stop(): Promise<void> {
    await Promise.all(this.watchers.map((w) => w.stop()));
  }

  /** Forgets every object held (after `stop()`, once no lookup will come: a shutdown's flush). */
  release(): void {
    this.store.clear();
    this.ttl.clear();
  }

  /** Number of objects held. */
  get size(): number {
    return this.store.size + this.ttl.size;
  }

  async lookup(ref: ObjectRef, stats?: { requests: number }): Promise<KubeObject | undefined> {
    const key = keyOf(ref.kind, ref.namespace, ref.name);
    const held = this.store.get(key);
    if (held !== undefined) return held;
    const cached = this.ttl.get(key);
    if (cached !== undefined && cached.expires > this.options.clock.now()) return cached.object;
    if (this.forbidden.has(ref.kind)) return undefined;
    const pending = this.inflight.get(key);
    if (pending !== undefined) return pending;
    if (stats !== undefined) stats.requests++;
    const fetch = this.fetch(ref, key).finally(() => this.inflight.delete(key));
    this.inflight.set(key, fetch);
    return fetch;
  }

  private async fetch(ref: ObjectRef, key: string): Promise<KubeObject | undefined> {
    const { api, clock, logger } = this.options;
    const watched = this.synced.has(ref.kind);
    const ttlMs = watched ? (this.options.missTtlMs ?? 5_000) : (this.options.ttlMs ?? 60_000);
    let object: KubeObject | undefined;
    try {
      // Kinds and plurals from API discovery (custom resources, irregular plurals), not guessed.
      const info = await this.discovery.resolve(ref);
      const path = `${collectionPath(info, info.namespaced ? ref.namespace : undefined)}/${encodeURIComponent(ref.name)}`;
      object = objectForEngine(await api.get<RawObject>(path), ref);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 403) {
        this.forbidden.add(ref.kind);
        // A kind outside kspan's ClusterRole (least privilege grants only the workload kinds): expected, said once.
        logger.warn(
          `not allowed to read ${ref.kind} objects (not in kspan's ClusterRole); events about them get a trace of their own, without owners`,
          {
            kind: ref.kind,
            status: 403,
            detail: err.message,
          },
        );
      } else if (!(err instanceof KubeApiError && err.status === 404)) {
        logger.debug('object lookup failed', {
          kind: ref.kind,
          namespace: ref.namespace,
          name: ref.name,
          error: (err as Error).message,
        });
        return undefined; // not cached: a transient failure is retried by the next event
      }
    }
    this.ttl.set(key, { object, expires: clock.now() + ttlMs });
    if (this.ttl.size > 50_000) this.evictExpired();
    return object;
  }

  private evictExpired(): void {
    const now = this.options.clock.now();
    for (const [k, v] of this.ttl) if (v.expires <= now) this.ttl.delete(k);
  }

  private replace(info: KindInfo, items: RawObject[]): void {
    const fresh = new Set<string>();
    for (const item of items) {
      const object = objectForEngine(item, info);
      const key = keyOf(info.kind, object.metadata?.namespace, object.metadata?.name ?? '');
      fresh.add(key);
      this.store.set(key, object);
    }
    for (const [key, object] of this.store) {
      if (object.kind === info.kind && !fresh.has(key)) {
        this.store.delete(key);
        this.options.onChange?.(object, true);
      }
    }
  }

  private apply(info: KindInfo, type: 'ADDED' | 'MODIFIED' | 'DELETED', raw: RawObject): void {
    const object = objectForEngine(raw, info);
    const key = keyOf(info.kind, object.metadata?.namespace, object.metadata?.name ?? '');
    if (type === 'DELETED') this.store.delete(key);
    else this.store.set(key, object);
    this.ttl.delete(key);
    this.options.onChange?.(object, type === 'DELETED');
  }
}

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}
