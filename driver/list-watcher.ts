import { Backoff } from './backoff.ts';

import { sleep, type Clock } from './clock.ts';
import { KubeApiError, explainKubeApiError, retryDelayMs } from './kube-api-error.ts';
import type { KubeApi, OpenWatch, WatchEvent } from './kube-api.ts';
import type { Logger } from './logger.ts';

/**
 * The longest wait between two attempts of a failing watch (0.5 s doubling, jitter ±20 %), unless the server
 * asks for longer (`Retry-After`). Short, so a watch is back within about 2.4 s of the API's recovery (the
 * chaos suite's API-500 row waits for recovery 10 s at most, and a 5 s cap spent half of it): at ten watches a
 * failing API server gets five requests a second from kspan, a small share of what its controllers send it.
 */
export const WATCH_RETRY_MAX_MS = 2000;

/** A Kubernetes object as listed or watched. */
export type RawObject = Record<string, unknown> & { metadata?: { resourceVersion?: string; [k: string]: unknown } };

/** What a `ListWatcher` reports. */
export interface ListWatchHandler {
  /** A complete list: the first one, or a re-list after `410 Gone`. */
  onList(items: RawObject[], phase: 'initial' | 'relist'): void;
  /** One watch event (BOOKMARK and ERROR are handled inside). */
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: RawObject): void;
  /** A watch line that was not JSON (counted and skipped). */
  onMalformed?(line: string): void;
  /** The watch restarted, and why. */
  onRestart?(reason: 'closed' | 'dropped' | 'gone' | 'error'): void;
}

/** Options of a `ListWatcher`. */
export interface ListWatcherOptions {
  readonly api: KubeApi;
  /** Collection path, e.g. `/apis/events.k8s.io/v1/events`. */
  readonly path: string;
  readonly handler: ListWatchHandler;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff?: Backoff;
  readonly pageSize?: number;
  /** Asks the server to end each watch after this long (it is then resumed at once). */
  readonly watchTimeoutSeconds?: number;
}

/**
 * List, then watch from the list's resourceVersion, forever: a closed or dropped watch resumes from the
 * last resourceVersion seen (exponential backoff with jitter on failures); `410 Gone` re-lists.
 */
export class ListWatcher {
  private readonly options: ListWatcherOptions;
  private readonly backoff: Backoff;
  private readonly stopper = new AbortController();
  private watchAbort: AbortController | undefined;
  private resourceVersion = '';
  private gone = false;
  private received = 0;
  private loopDone: Promise<void> = Promise.resolve();
  private current: OpenWatch | undefined;
  private paused = false;

  constructor(options: ListWatcherOptions) {
    this.options = options;
    this.backoff = options.backoff ?? new Backoff({ maxMs: WATCH_RETRY_MAX_MS });
  }

  /** The last resourceVersion seen (list, event or bookmark). */
  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Lists and opens the first watch; rejects with an explained error if either fails. Then watches in the background. */
  async start(): Promise<void> {
    let first: OpenWatch;
    try {
      await this.list('initial');
      first = await this.openWatch();
    } catch (err) {
      throw explainKubeApiError(err, this.options.api.server);
    }
    this.loopDone = this.loop(first);
  }

  /** Stops reading the watch (backpressure); the API server keeps the rest. */
  pause(): void {
    this.paused = true;
    this.current?.pause?.();
  }

  /** Reads the watch again. */
  resume(): void {
    this.paused = false;
    this.current?.resume?.();
  }

  /** Stops watching; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopper.abort();
    this.watchAbort?.abort();
    await this.loopDone;
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private async loop(first: OpenWatch): Promise<void> {
    const { clock, logger, path, handler } = this.options;
    let open: OpenWatch | undefined = first;
    let needList = false;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.list('relist');
          needList = false;
        }
        const startedAt = clock.now();
        open ??= await this.openWatch();
        const err = await open.closed;
        open = undefined;
        if (this.stopped) break;
        if (this.gone) {
          logger.info('watch expired (410 Gone); re-listing', { path });
          handler.onRestart?.('gone');
          needList = true;
          continue;
        }
        if (err !== undefined) {
          const delay = this.backoff.next();
          logger.warn('watch connection dropped; resuming from the last resourceVersion', {
            path,
            resourceVersion: this.resourceVersion,
            error: err.message,
            retryInMs: delay,
          });
          handler.onRestart?.('dropped');
          await sleep(clock, delay, this.stopper.signal);
          continue;
        }
        handler.onRestart?.('closed');
        // A server-side timeout is normal: resume at once. A watch that closes at once, again and again, backs off.
        if (this.received > 0 || clock.now() - startedAt >= 5_000) this.backoff.reset();
        else await sleep(clock, this.backoff.next(), this.stopper.signal);
      } catch (err) {
        open = undefined;
        if (this.stopped) break;
        if (err instanceof KubeApiError && err.gone) {
          handler.onRestart?.('gone');
          needList = true;
          continue;
        }
        const delay = retryDelayMs(err, this.backoff.next());
        logger.warn('watch failed; retrying', {
          path,
          error: explainKubeApiError(err, this.options.api.server).message,
          retryInMs: delay,
        });
        handler.onRestart?.('error');
        await sleep(clock, delay, this.stopper.signal);
      }
    }
  }

  private async openWatch(): Promise<OpenWatch> {
    const { api, path, handler, watchTimeoutSeconds } = this.options;
    this.gone = false;
    this.received = 0;
    this.watchAbort = new AbortController();
    const abort = this.watchAbort;
    const open = await api.watch(
      path,
      {
        resourceVersion: this.resourceVersion || undefined,
        allowWatchBookmarks: true,
        timeoutSeconds: watchTimeoutSeconds ?? 300,
      },
      {
        onEvent: (ev: WatchEvent) => this.onWatchEvent(ev, abort),
        onMalformed: (line) => {
          this.options.logger.warn('skipped a malformed watch line', { path, line: line.slice(0, 200) });
          handler.onMalformed?.(line);
        },
      },
      abort.signal,
    );
    this.current = open;
    if (this.paused) open.pause?.();
    return open;
  }

  private onWatchEvent(ev: WatchEvent, abort: AbortController): void {
    if (abort.signal.aborted) return;
    const object = ev.object as RawObject;
    if (ev.type === 'ERROR') {
      const code = (object as { code?: unknown }).code;
      if (code === 410) {
        this.gone = true;
        this.resourceVersion = '';
      } else {
        this.options.logger.warn('watch error event', { path: this.options.path, status: object });
      }
      abort.abort(); // the server ends the stream after an ERROR; do not wait for it
      return;
    }
    const rv = object.metadata?.resourceVersion;
    if (typeof rv === 'string' && rv !== '') this.resourceVersion = rv;
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') {
      this.received++;
      this.backoff.reset();
      this.options.handler.onEvent(ev.type, object);
    }
  }

  private async list(phase: 'initial' | 'relist'): Promise<void> {
    const { api, path, pageSize } = this.options;
    const items: RawObject[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await api.get<{
        kind?: string;
        apiVersion?: string;
        metadata?: { resourceVersion?: string; continue?: string };
        items?: RawObject[];
      }>(path, { limit: pageSize ?? 500, continue: cont }, this.stopper.signal);
      const kind = page.kind?.replace(/List$/, '');
      for (const item of page.items ?? []) {
        // List items come without kind/apiVersion; the engine and recordings want them as a watch serves them.
        items.push({ ...(kind ? { kind } : {}), ...(page.apiVersion ? { apiVersion: page.apiVersion } : {}), ...item });
      }
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue || undefined;
    } while (cont !== undefined);
    this.resourceVersion = rv;
    this.backoff.reset();
    this.options.handler.onList(items, phase);
  }
}
