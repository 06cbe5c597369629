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

/** A loopback OTLP/gRPC collector for tests: records each export request's bytes; can be told to fail. */
export class FakeCollector {
  readonly requests: Buffer[] = [];
  failing = false;
  private readonly server = new Server();
  private port = 0;

  /** Starts listening on 127.0.0.1 and returns the endpoint URL. */
  async start(): Promise<string> {
    this.server.addService(TRACE_SERVICE, {
      Export: (
        call: { request: Buffer },
        callback: (err: { code: number; details: string } | null, res?: Buffer) => void,
      ) => {
        if (this.failing) {
          callback({ code: status.UNAVAILABLE, details: 'collector is down' });
          return;
        }
        this.requests.push(call.request);
        callback(null, Buffer.alloc(0));
      },
    });
    this.port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      );
    });
    return `http://127.0.0.1:${this.port}`;
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
