import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { FakeKubeServer } from '../driver/test-support/fake-kube-server.ts';

/** One request as the fault rules see it; `client` is the bearer token of the kspan process that sent it. */
export interface IncomingApiRequest {
  readonly method: string;
  readonly path: string;
  readonly watch: boolean;
  readonly client: string;
}

/** What a fault rule does to a request: answer with an error status, reset the connection, or delay it. */
export type FaultAction =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly message: string }
  | { readonly reset: true }
  | { readonly delayMs: number };

/** Decides the fate of one request; undefined lets it through. */
export type FaultRule = (request: IncomingApiRequest) => FaultAction | undefined;

interface OpenWatchResponse {
  readonly client: string;
  readonly res: http.ServerResponse;
  readonly cancel: () => void;
}

/**
 * The driver tests' `FakeKubeServer` (msw), served over real HTTP on 127.0.0.1 so that `kspan run` child processes can
 * reach it, with fault rules (status codes, Retry-After, connection resets, latency) and the power to break the
 * watches that are open.
 */
export class LoopbackKubeServer {
  readonly fake = new FakeKubeServer();
  /** Applied in order; the first that returns an action wins. */
  readonly faults: FaultRule[] = [];
  /** Requests answered by a fault, by status (or `reset`). */
  readonly faulted = new Map<string, number>();
  private readonly server: http.Server;
  private readonly watches = new Set<OpenWatchResponse>();
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => void this.serve(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  /** Listens on an ephemeral loopback port; returns the base URL. */
  async listen(): Promise<string> {
    this.fake.listen();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Writes a kubeconfig for one client (its token names it in fault rules) and returns its path. */
  writeKubeconfig(dir: string, client: string): string {
    const file = path.join(dir, `kubeconfig-${client}.yaml`);
    const yaml = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: chaos\n  cluster:\n    server: ${this.url}\n    insecure-skip-tls-verify: true`,
      'users:',
      `- name: ${client}\n  user:\n    token: ${client}`,
      'contexts:',
      `- name: chaos\n  context:\n    cluster: chaos\n    user: ${client}`,
      'current-context: chaos',
      '',
    ].join('\n');
    fs.writeFileSync(file, yaml, { mode: 0o600 });
    return file;
  }

  /** Breaks the open watches (of one client, or all): their connections are reset mid-stream. */
  breakWatches(client?: string): number {
    let n = 0;
    for (const w of [...this.watches]) {
      if (client !== undefined && w.client !== client) continue;
      this.watches.delete(w);
      w.cancel();
      w.res.destroy();
      n++;
    }
    return n;
  }

  /** Number of open watch connections (of one client, or all). */
  openWatches(client?: string): number {
    return [...this.watches].filter((w) => client === undefined || w.client === client).length;
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    this.breakWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.fake.close();
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const client = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const incoming: IncomingApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      watch: url.searchParams.get('watch') === 'true',
      client,
    };
    try {
      const body = await readBody(req);
      for (const rule of this.faults) {
        const action = rule(incoming);
        if (action === undefined) continue;
        if ('delayMs' in action) {
          await new Promise((r) => setTimeout(r, action.delayMs));
          continue;
        }
        if ('reset' in action) {
          this.count('reset');
          req.socket.destroy();
          return;
        }
        this.count(String(action.status));
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: action.message,
            code: action.status,
          }),
        );
        return;
      }
      // The fake answers through msw, as in the driver tests: this process's own fetch to its base URL is intercepted.
      const response = await fetch(`${this.fake.base}${url.pathname}${url.search}`, {
        method: incoming.method,
        headers: { 'content-type': 'application/json' },
        ...(body.length > 0 ? { body } : {}),
      });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body === null) {
        res.end();
        return;
      }
      if (!incoming.watch) {
        res.end(Buffer.from(await response.arrayBuffer()));
        return;
      }
      await this.stream(response.body, res, client);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`loopback kube server: ${(err as Error).message}`);
    }
  }

  private async stream(body: ReadableStream<Uint8Array>, res: http.ServerResponse, client: string): Promise<void> {
    const reader = body.getReader();
    const open: OpenWatchResponse = {
      client,
      res,
      cancel: () => void reader.cancel().catch(() => {}),
    };
    this.watches.add(open);
    res.on('close', () => {
      this.watches.delete(open);
      open.cancel();
    });
    res.flushHeaders();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || res.destroyed) break;
        if (!res.write(value)) await drainOrClose(res);
      }
    } catch {
      // the stream was broken on purpose
    }
    this.watches.delete(open);
    if (!res.destroyed) res.end();
  }

  private count(key: string): void {
    this.faulted.set(key, (this.faulted.get(key) ?? 0) + 1);
  }
}

function drainOrClose(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
