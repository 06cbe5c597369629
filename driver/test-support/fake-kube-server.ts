import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { KubeConfig } from '@kubernetes/client-node';

/** A stored object of the fake API server. */
type Obj = Record<string, unknown> & {
  metadata: Record<string, unknown> & { name: string; namespace?: string; resourceVersion?: string };
};

interface Collection {
  readonly kind: string;
  readonly apiVersion: string;
  readonly items: Map<string, Obj>;
  readonly history: { rv: number; type: string; object: Obj }[];
}

interface OpenStream {
  readonly collection: string;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
}

/** A request the fake server answered. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
}

const COLLECTIONS: Record<string, { kind: string; apiVersion: string }> = {
  '/apis/events.k8s.io/v1/events': { kind: 'Event', apiVersion: 'events.k8s.io/v1' },
  '/api/v1/events': { kind: 'Event', apiVersion: 'v1' },
  '/api/v1/pods': { kind: 'Pod', apiVersion: 'v1' },
  '/api/v1/nodes': { kind: 'Node', apiVersion: 'v1' },
  '/api/v1/persistentvolumeclaims': { kind: 'PersistentVolumeClaim', apiVersion: 'v1' },
  '/api/v1/services': { kind: 'Service', apiVersion: 'v1' },
  '/apis/apps/v1/replicasets': { kind: 'ReplicaSet', apiVersion: 'apps/v1' },
  '/apis/apps/v1/deployments': { kind: 'Deployment', apiVersion: 'apps/v1' },
  '/apis/apps/v1/statefulsets': { kind: 'StatefulSet', apiVersion: 'apps/v1' },
  '/apis/apps/v1/daemonsets': { kind: 'DaemonSet', apiVersion: 'apps/v1' },
  '/apis/batch/v1/jobs': { kind: 'Job', apiVersion: 'batch/v1' },
  '/apis/batch/v1/cronjobs': { kind: 'CronJob', apiVersion: 'batch/v1' },
  '/apis/coordination.k8s.io/v1/leases': { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1' },
};

/**
 * An in-process Kubernetes API server for tests, served through msw: lists, watches (chunked JSON lines,
 * resumable from a resourceVersion, with a compaction point that answers 410), GETs, creates and updates,
 * and fault injection (403, 404, latency, dropped streams, malformed lines, ERROR 410).
 */
export class FakeKubeServer {
  readonly base = 'https://kube.test';
  readonly requests: SeenRequest[] = [];
  /** Path prefixes answered with 403 for a verb ('list' | 'watch' | 'get' | '*'). */
  readonly forbidden: { verb: string; path: string }[] = [];
  /** Path prefixes answered with 404. */
  readonly missing = new Set<string>();
  /** While set, every request is answered with this status (an outage: 500, 503, or 429 with Retry-After). */
  failWith: { status: number; retryAfterSeconds?: number } | undefined;
  /** Bearer tokens (see `kubeConfig`) whose requests fail at the network level: a replica cut off from the API. */
  readonly cutOff = new Set<string>();
  /** Latency added to every answer (real milliseconds). */
  latencyMs = 0;
  /** Watches resumed from a resourceVersion older than this get `410 Gone`. */
  compactedRv = 0;
  private rv = 1000;
  private readonly collections = new Map<string, Collection>();
  private readonly streams = new Set<OpenStream>();
  private readonly msw: ReturnType<typeof setupServer>;

  constructor() {
    for (const [path, info] of Object.entries(COLLECTIONS))
      this.collections.set(path, { ...info, items: new Map(), history: [] });
    this.msw = setupServer(http.all(`${this.base}/*`, ({ request }) => this.handle(request)));
  }

  /** Starts intercepting (call in beforeEach/beforeAll). */
  listen(): void {
    // Requests to 127.0.0.1 (a test's own status server) pass through; anything else unexpected fails the test.
    this.msw.listen({
      onUnhandledRequest: (req, print) => (new URL(req.url).hostname === '127.0.0.1' ? undefined : print.error()),
    });
  }

  /** Stops intercepting and ends open watch streams. */
  close(): void {
    for (const s of this.streams) {
      try {
        s.controller.close();
      } catch {
        // already closed
      }
    }
    this.streams.clear();
    this.msw.close();
  }

  /** A kubeconfig pointing at this server with a bearer token (one per replica, to cut one off). */
  kubeConfig(token = 'secret-token'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.base, skipTLSVerify: false }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'u' }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** The current resourceVersion. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Creates or updates an object in a collection and tells the open watches. */
  put(collection: string, object: Record<string, unknown>, notify = true): Obj {
    const c = this.collection(collection);
    const meta = (object.metadata ?? {}) as Obj['metadata'];
    const key = `${meta.namespace ?? ''}/${meta.name}`;
    const type = c.items.has(key) ? 'MODIFIED' : 'ADDED';
    const stored: Obj = { ...object, metadata: { ...meta, resourceVersion: String(++this.rv) } };
    c.items.set(key, stored);
    c.history.push({ rv: this.rv, type, object: stored });
    if (notify) this.broadcast(collection, { type, object: { kind: c.kind, apiVersion: c.apiVersion, ...stored } });
    return stored;
  }

  /** Deletes an object and tells the open watches. */
  remove(collection: string, namespace: string | undefined, name: string): void {
    const c = this.collection(collection);
    const key = `${namespace ?? ''}/${name}`;
    const old = c.items.get(key);
    if (old === undefined) return;
    c.items.delete(key);
    const stored = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    c.history.push({ rv: this.rv, type: 'DELETED', object: stored });
    this.broadcast(collection, { type: 'DELETED', object: { kind: c.kind, apiVersion: c.apiVersion, ...stored } });
  }

  /** Writes a raw line to the open watches of a collection. */
  sendLine(collection: string, line: string): void {
    for (const s of this.streams)
      if (s.collection === collection) s.controller.enqueue(new TextEncoder().encode(`${line}\n`));
  }

  /** Sends `ERROR 410 Gone` on the open watches of a collection and forgets history up to now. */
  expire(collection: string): void {
    this.compactedRv = this.rv;
    this.broadcast(collection, {
      type: 'ERROR',
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Expired',
        code: 410,
        message: 'too old resource version',
      },
    });
    this.endStreams(collection, 'close');
  }

  /** Breaks (error) or ends (close) the open watches of a collection. */
  endStreams(collection: string, how: 'error' | 'close'): void {
    for (const s of [...this.streams]) {
      if (s.collection !== collection) continue;
      this.streams.delete(s);
      try {
        if (how === 'error') s.controller.error(new Error('connection reset'));
        else s.controller.close();
      } catch {
        // already ended
      }
    }
  }

  /** Number of open watch streams on a collection. */
  openWatches(collection: string): number {
    return [...this.streams].filter((s) => s.collection === collection).length;
  }

  /** Requests seen for a collection path prefix, by verb. */
  count(verb: 'list' | 'watch' | 'get' | 'any', pathPrefix = ''): number {
    return this.requests.filter((r) => {
      if (!r.path.startsWith(pathPrefix)) return false;
      if (verb === 'any') return true;
      const isWatch = r.query.watch === 'true';
      const isCollection = this.collections.has(r.path);
      return verb === 'watch' ? isWatch : verb === 'list' ? isCollection && !isWatch : !isCollection && !isWatch;
    }).length;
  }

  private collection(path: string): Collection {
    const c = this.collections.get(path);
    if (c === undefined) throw new Error(`unknown collection ${path}`);
    return c;
  }

  private broadcast(collection: string, event: unknown): void {
    this.sendLine(collection, JSON.stringify(event));
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: request.method, path, query });
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (this.cutOff.has((request.headers.get('authorization') ?? '').replace(/^Bearer /, ''))) return Response.error();
    if (this.failWith !== undefined) {
      const { status: code, retryAfterSeconds } = this.failWith;
      const answer = status(code, code === 429 ? 'TooManyRequests' : 'InternalError', `injected HTTP ${code}`);
      if (retryAfterSeconds !== undefined) answer.headers.set('retry-after', String(retryAfterSeconds));
      return answer;
    }
    const verb =
      query.watch === 'true'
        ? 'watch'
        : this.collections.has(path)
          ? 'list'
          : request.method === 'GET'
            ? 'get'
            : request.method.toLowerCase();
    if (this.forbidden.some((f) => path.startsWith(f.path) && (f.verb === '*' || f.verb === verb))) {
      return status(
        403,
        'Forbidden',
        `${path} is forbidden: User "system:serviceaccount:kspan:kspan" cannot ${verb} resource`,
      );
    }
    if ([...this.missing].some((m) => path.startsWith(m)))
      return status(404, 'NotFound', 'the server could not find the requested resource');
    if (path === '/apis/events.k8s.io/v1')
      return HttpResponse.json({ kind: 'APIResourceList', groupVersion: 'events.k8s.io/v1', resources: [] });
    const collection = this.collections.get(path);
    if (collection !== undefined && request.method === 'GET') {
      return query.watch === 'true' ? this.watch(path, collection, query) : this.list(collection);
    }
    const located = this.locate(path);
    if (located === undefined) return status(404, 'NotFound', `no such path ${path}`);
    const { c, collectionPath } = located;
    if (request.method === 'GET') {
      const item = c.items.get(located.key);
      return item === undefined
        ? status(404, 'NotFound', `${path} not found`)
        : HttpResponse.json({ kind: c.kind, apiVersion: c.apiVersion, ...item });
    }
    const body = (await request.json()) as Obj;
    const key = request.method === 'POST' ? `${body.metadata.namespace ?? ''}/${body.metadata.name}` : located.key;
    const existing = c.items.get(key);
    if (request.method === 'POST' && existing !== undefined) return status(409, 'AlreadyExists', 'already exists');
    if (request.method === 'PUT') {
      if (existing === undefined) return status(404, 'NotFound', 'not found');
      if (body.metadata.resourceVersion !== existing.metadata.resourceVersion)
        return status(409, 'Conflict', 'the object has been modified');
    }
    const stored = this.put(collectionPath, body);
    return HttpResponse.json(
      { kind: c.kind, apiVersion: c.apiVersion, ...stored },
      { status: request.method === 'POST' ? 201 : 200 },
    );
  }

  /** Maps `/api/v1/namespaces/ns/pods/name`, `/api/v1/nodes/name` and POST to `/…/namespaces/ns/leases`. */
  private locate(path: string): { c: Collection; collectionPath: string; key: string } | undefined {
    const m = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (m === null) return undefined;
    const [, prefix, ns, resource, name] = m;
    const collectionPath = `${prefix}/${resource}`;
    const c = this.collections.get(collectionPath);
    if (c === undefined) return undefined;
    return { c, collectionPath, key: `${ns ?? ''}/${name ?? ''}` };
  }

  private list(c: Collection): Response {
    return HttpResponse.json({
      kind: `${c.kind}List`,
      apiVersion: c.apiVersion,
      metadata: { resourceVersion: String(this.rv) },
      items: [...c.items.values()],
    });
  }

  private watch(path: string, c: Collection, query: Record<string, string>): Response {
    const since = Number(query.resourceVersion ?? this.rv);
    const encoder = new TextEncoder();
    let open: OpenStream | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        open = { collection: path, controller };
        this.streams.add(open);
        if (query.resourceVersion !== undefined && since < this.compactedRv) {
          controller.enqueue(
            encoder.encode(
              `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } })}\n`,
            ),
          );
          return;
        }
        for (const h of c.history) {
          if (h.rv > since)
            controller.enqueue(
              encoder.encode(
                `${JSON.stringify({ type: h.type, object: { kind: c.kind, apiVersion: c.apiVersion, ...h.object } })}\n`,
              ),
            );
        }
        // A bookmark at once: msw sends the response head with the first chunk, a real server sends it at once.
        const bookmark = {
          type: 'BOOKMARK',
          object: { kind: c.kind, apiVersion: c.apiVersion, metadata: { resourceVersion: String(this.rv) } },
        };
        controller.enqueue(encoder.encode(`${JSON.stringify(bookmark)}\n`));
      },
      cancel: () => {
        if (open !== undefined) this.streams.delete(open);
      },
    });
    return new HttpResponse(stream, {
      status: 200,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
  }
}

function status(code: number, reason: string, message: string): Response {
  return HttpResponse.json(
    { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code },
    { status: code },
  );
}
