import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.ts';
import { UserError } from '../common/user-error.ts';

/** Options of `StatusServer`. */
export interface StatusServerOptions {
  readonly registry: Registry;
  /** `/readyz` answers 200 when this is true; false or a reason (the answer's body) otherwise. */
  readonly ready: () => boolean | string;
  /** `/healthz` answers 200 while this is true (default: always). */
  readonly healthy?: () => boolean;
  /** `/ui` answers this page when given (`kspan run --ui`); 404 otherwise. */
  readonly ui?: () => Promise<string>;
  /** `POST /handover` answers this (the previous leader's ledger for the next one; see leader-handover.ts). */
  readonly handover?: () => Promise<{ status: number; body: string }>;
  readonly logger: Logger;
}

/** `/metrics` (Prometheus), `/healthz` (liveness), `/readyz` (readiness) and, with `--ui`, `/ui` over plain HTTP. */
export class StatusServer {
  private readonly options: StatusServerOptions;
  private readonly server: http.Server;

  constructor(options: StatusServerOptions) {
    this.options = options;
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  /** Listens on `host:port` (`:9090` means all interfaces); resolves with the bound port. */
  async listen(addr: string): Promise<number> {
    const { host, port } = parseListenAddress(addr);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (err) =>
        reject(new UserError(`cannot listen on ${addr} for /metrics: ${err.message}. Pick another --metrics-addr.`)),
      );
      this.server.listen(port, host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/metrics') {
        const body = await this.options.registry.metrics();
        res.writeHead(200, { 'content-type': this.options.registry.contentType }).end(body);
      } else if (path === '/healthz') {
        const ok = this.options.healthy?.() ?? true;
        res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'unhealthy\n');
      } else if (path === '/readyz') {
        const ready = this.options.ready();
        const ok = ready === true;
        res
          .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
          .end(ok ? 'ready\n' : `not ready: ${typeof ready === 'string' ? ready : 'initial list not synced yet'}\n`);
      } else if (path === '/handover' && req.method === 'POST' && this.options.handover !== undefined) {
        const { status, body } = await this.options.handover();
        res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(body);
      } else if (path === '/ui' && this.options.ui !== undefined) {
        const page = await this.options.ui();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
      } else {
        const paths =
          this.options.ui === undefined ? '/metrics, /healthz or /readyz' : '/ui, /metrics, /healthz or /readyz';
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: try ${paths}\n`);
      }
    } catch (err) {
      this.options.logger.error('status endpoint failed', { path, error: (err as Error).message });
      if (!res.headersSent) res.writeHead(500).end();
    }
  }
}

/** Parses `:9090`, `0.0.0.0:9090`, `[::1]:9090` or `9090`. */
export function parseListenAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d+)$/.exec(addr.trim());
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--metrics-addr: expected host:port or :port (e.g. :9090), got ${JSON.stringify(addr)}`);
  }
  const host = m[1] ?? m[2];
  return { host: host === '' || host === undefined ? undefined : host, port };
}
