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

/** A loopback OTLP/gRPC collector for tests (plaintext, or TLS): records each request's bytes and metadata; can be told to fail. */
export class FakeCollector {
  readonly requests: Buffer[] = [];
  readonly metadata: Record<string, unknown[]>[] = [];
  failing = false;
  private readonly server = new Server();
  private readonly tls: { key: Buffer; cert: Buffer } | undefined;
  private port = 0;

  constructor(tls?: { key: Buffer; cert: Buffer }) {
    this.tls = tls;
  }

  /** Starts listening on 127.0.0.1 and returns the endpoint URL. */
  async start(): Promise<string> {
    this.server.addService(TRACE_SERVICE, {
      Export: (
        call: { request: Buffer; metadata: { getMap: () => Record<string, unknown> } },
        callback: (err: { code: number; details: string } | null, res?: Buffer) => void,
      ) => {
        if (this.failing) {
          callback({ code: status.UNAVAILABLE, details: 'collector is down' });
          return;
        }
        this.requests.push(call.request);
        this.metadata.push(Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, [v]])));
        callback(null, Buffer.alloc(0));
      },
    });
    this.port = await new Promise<number>((resolve, reject) => {
      const credentials =
        this.tls === undefined
          ? ServerCredentials.createInsecure()
          : ServerCredentials.createSsl(null, [{ private_key: this.tls.key, cert_chain: this.tls.cert }]);
      this.server.bindAsync('127.0.0.1:0', credentials, (err, port) => (err ? reject(err) : resolve(port)));
    });
    return `${this.tls === undefined ? 'http' : 'https'}://127.0.0.1:${this.port}`;
  }

  /** True when some request carried these bytes (e.g. a trace ID). */
  received(hex: string): boolean {
    const needle = Buffer.from(hex, 'hex');
    return this.requests.some((r) => r.includes(needle));
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
