import http from 'node:http';
import https from 'node:https';
import { KubeApiError, parseRetryAfter, resourceOfPath } from './kube-api-error.ts';
import type { KubeApi, OpenWatch, Query, WatchHandlers } from './kube-api.ts';
import type { KubeCredentials } from './kube-credentials.ts';

/** Called once per API request made (for `kspan_api_requests_total`). */
export type RequestObserver = (request: { verb: string; group: string; resource: string }) => void;

/** Called once per answer: false for a network failure, 5xx or 429 (the API is not usable right now). */
export type AnswerObserver = (ok: boolean) => void;

/** Options of `HttpsKubeApi`. */
export interface HttpsKubeApiOptions {
  readonly kubeConfig: KubeCredentials;
  readonly onRequest?: RequestObserver;
  readonly onAnswer?: AnswerObserver;
  /** Timeout of plain requests, and of silence on a watch stream. */
  readonly requestTimeoutMs?: number;
  readonly watchIdleTimeoutMs?: number;
}

/**
 * `KubeApi` over node:http(s), authenticated by kubeconfig credentials (`applyToHTTPSOptions`: client certs, bearer
 * tokens, exec and token-file providers). Plain node:https rather than the client's generated APIs, because
 * those call undici's `fetch` directly, which no HTTP mock (msw) can intercept; this keeps one code path in
 * production and tests.
 */
export class HttpsKubeApi implements KubeApi {
  readonly server: string;
  private readonly kubeConfig: KubeCredentials;
  private readonly onRequest: RequestObserver;
  private readonly onAnswer: AnswerObserver;
  private readonly requestTimeoutMs: number;
  private readonly watchIdleTimeoutMs: number;

  constructor(options: HttpsKubeApiOptions) {
    this.kubeConfig = options.kubeConfig;
    this.server = (options.kubeConfig.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
    this.onRequest = options.onRequest ?? (() => {});
    this.onAnswer = options.onAnswer ?? (() => {});
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.watchIdleTimeoutMs = options.watchIdleTimeoutMs ?? 10 * 60_000;
  }

  async get<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
    const res = await this.request('GET', path, query, undefined, signal, this.requestTimeoutMs);
    return (await this.readJson(res, verbOf('GET', path, query), path)) as T;
  }

  async send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    const res = await this.request(method, path, {}, JSON.stringify(body), undefined, this.requestTimeoutMs);
    return (await this.readJson(res, verbOf(method, path, {}), path)) as T;
  }

  async watch(path: string, query: Query, handlers: WatchHandlers, signal: AbortSignal): Promise<OpenWatch> {
    const res = await this.request('GET', path, { ...query, watch: true }, undefined, signal, this.watchIdleTimeoutMs);
    if (res.statusCode !== 200) await this.readJson(res, 'watch', path); // throws the server's Status
    const closed = new Promise<Error | undefined>((resolve) => {
      let buffer = '';
      const line = (text: string): void => {
        const trimmed = text.trim();
        if (trimmed === '') return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(trimmed);
        } catch {
          handlers.onMalformed(trimmed);
          return;
        }
        const ev = parsed as { type?: unknown; object?: unknown };
        if (typeof ev.type !== 'string' || typeof ev.object !== 'object' || ev.object === null) {
          handlers.onMalformed(trimmed);
          return;
        }
        handlers.onEvent({ type: ev.type, object: ev.object as Record<string, unknown> });
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          line(buffer.slice(0, i));
          buffer = buffer.slice(i + 1);
        }
      });
      res.on('end', () => {
        line(buffer);
        resolve(undefined);
      });
      res.on('error', (err) => resolve(err));
      res.on('close', () => resolve(res.complete ? undefined : new Error('the watch connection was dropped')));
    });
    return { closed, pause: () => res.pause(), resume: () => res.resume() };
  }

  private async request(
    method: string,
    path: string,
    query: Query,
    body: string | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<http.IncomingMessage> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const options: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {
      ...(options.headers as Record<string, string> | undefined),
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const { group, resource } = resourceOfPath(path);
    const verb = verbOf(method, path, query);
    this.onRequest({ verb, group, resource });
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...options, method, headers, signal }, (res) => {
        const status = res.statusCode ?? 0;
        this.onAnswer(status < 500 && status !== 429);
        resolve(res);
      });
      req.setTimeout(timeoutMs, () =>
        req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.name !== 'AbortError') this.onAnswer(false);
        reject(new KubeApiError({ verb, path, code: err.code ?? err.name, message: err.message, cause: err }));
      });
      req.end(body);
    });
  }

  private async readJson(res: http.IncomingMessage, verb: string, path: string): Promise<unknown> {
    let text = '';
    res.setEncoding('utf8');
    for await (const chunk of res) text += chunk as string;
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      if (parsed === undefined) throw new KubeApiError({ verb, path, status, message: 'the answer is not JSON' });
      return parsed;
    }
    const message = (parsed as { message?: unknown } | undefined)?.message;
    const retryAfter: string | string[] | undefined = res.headers['retry-after'];
    throw new KubeApiError({
      verb,
      path,
      status,
      message: typeof message === 'string' ? message : res.statusMessage || `HTTP ${status}`,
      retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : retryAfter?.[0], Date.now()),
    });
  }
}

/** The RBAC verb of a request. */
function verbOf(method: string, path: string, query: Query): string {
  if (query.watch === true) return 'watch';
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  return resourceOfPath(path).name === undefined ? 'list' : 'get';
}
