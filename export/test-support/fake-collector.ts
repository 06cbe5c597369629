import { Server, ServerCredentials, status, type ServiceDefinition } from '@grpc/grpc-js';

/** The OTLP trace Export method, handled as raw protobuf bytes. */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

/** How the collector answers: accept, refuse with `UNAVAILABLE`, or not listen at all (connection refused). */
export type CollectorMode = 'ok' | 'unavailable' | 'down';

/** A gRPC error a handler answers with. */
export interface CollectorError {
  readonly code: number;
  readonly details: string;
}

/** Options of `FakeCollector`. */
export interface FakeCollectorOptions {
  /** Serve TLS with this pair (default plaintext). */
  readonly tls?: { key: Buffer; cert: Buffer };
  /** Keep each accepted request's bytes and metadata in `requests` / `metadata` (default true). */
  readonly keepRequests?: boolean;
  /** Sees each request in `ok` mode; an error it returns is the answer (e.g. INVALID_ARGUMENT for bad bytes). */
  readonly onExport?: (request: Buffer) => CollectorError | undefined;
}

/**
 * A loopback OTLP/gRPC trace collector for tests and the chaos suite (plaintext, or TLS): records each request's
 * bytes and metadata (or hands them to `onExport`); can refuse (`UNAVAILABLE`) or go away and come back on the
 * same port.
 */
export class FakeCollector {
  readonly requests: Buffer[] = [];
  readonly metadata: Record<string, unknown[]>[] = [];
  /** Export calls answered, by outcome. */
  readonly calls = { ok: 0, unavailable: 0, rejected: 0 };
  private readonly options: FakeCollectorOptions;
  private server: Server | undefined;
  private port = 0;
  private refusing = false;

  constructor(options: FakeCollectorOptions = {}) {
    this.options = options;
  }

  /** Starts listening on 127.0.0.1 (an ephemeral port) and returns the endpoint URL. */
  async start(): Promise<string> {
    await this.setMode(this.refusing ? 'unavailable' : 'ok');
    return this.endpoint;
  }

  get endpoint(): string {
    return `${this.options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${this.port}`;
  }

  get mode(): CollectorMode {
    return this.server === undefined ? 'down' : this.refusing ? 'unavailable' : 'ok';
  }

  /** True while it answers every export with UNAVAILABLE (may be set before `start`). */
  get failing(): boolean {
    return this.refusing;
  }

  set failing(failing: boolean) {
    this.refusing = failing;
  }

  /** Switches the mode; `down` stops listening (clients see connection refused), anything else listens again. */
  async setMode(mode: CollectorMode): Promise<void> {
    if (mode === 'down') {
      const server = this.server;
      this.server = undefined;
      server?.forceShutdown();
      return;
    }
    this.refusing = mode === 'unavailable';
    if (this.server === undefined) await this.listen();
  }

  /** True when some request carried these bytes (e.g. a trace ID). */
  received(hex: string): boolean {
    const needle = Buffer.from(hex, 'hex');
    return this.requests.some((r) => r.includes(needle));
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await this.setMode('down');
  }

  private async listen(): Promise<void> {
    const server = new Server();
    server.addService(TRACE_SERVICE, {
      Export: (
        call: { request: Buffer; metadata: { getMap: () => Record<string, unknown> } },
        callback: (err: CollectorError | null, res?: Buffer) => void,
      ) => {
        if (this.refusing) {
          this.calls.unavailable++;
          callback({ code: status.UNAVAILABLE, details: 'collector is down' });
          return;
        }
        const error = this.options.onExport?.(call.request);
        if (error !== undefined) {
          this.calls.rejected++;
          callback(error);
          return;
        }
        if (this.options.keepRequests !== false) {
          this.requests.push(call.request);
          this.metadata.push(Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, [v]])));
        }
        this.calls.ok++;
        callback(null, Buffer.alloc(0));
      },
    });
    const { tls } = this.options;
    const credentials =
      tls === undefined
        ? ServerCredentials.createInsecure()
        : ServerCredentials.createSsl(null, [{ private_key: tls.key, cert_chain: tls.cert }]);
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.port}`, credentials, (err, port) => (err ? reject(err) : resolve(port)));
    });
    this.server = server;
  }
}
