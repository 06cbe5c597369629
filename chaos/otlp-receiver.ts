import { Server, ServerCredentials, status, type ServiceDefinition } from '@grpc/grpc-js';
import { spanIdsOfExportRequest } from './otlp-span-ids.ts';

/** How the receiver answers: accept, refuse with `UNAVAILABLE`, or not listen at all (connection refused). */
export type ReceiverMode = 'ok' | 'unavailable' | 'down';

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

/**
 * An OTLP/gRPC trace receiver on 127.0.0.1 that counts every span ID it accepts (so duplicates are exact) and
 * when each first arrived; it can refuse (`UNAVAILABLE`) or go away and come back on the same port.
 */
export class OtlpReceiver {
  /** span ID → times received. */
  readonly counts = new Map<string, number>();
  /** span ID → trace ID of its first arrival. */
  readonly traceOf = new Map<string, string>();
  /** span ID → wall-clock ms of its first arrival. */
  readonly arrivals = new Map<string, number>();
  /** Export calls answered, by outcome. */
  readonly calls = { ok: 0, unavailable: 0, malformed: 0 };
  private server: Server | undefined;
  private port = 0;
  private current: ReceiverMode = 'down';

  /** Starts listening on an ephemeral port (then on the same one after `down`). */
  async start(): Promise<string> {
    await this.setMode('ok');
    return this.endpoint;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get mode(): ReceiverMode {
    return this.current;
  }

  /** Span IDs received, counting repeats. */
  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** Switches the mode; `down` stops listening (clients see connection refused), anything else listens again. */
  async setMode(mode: ReceiverMode): Promise<void> {
    if (mode === 'down') {
      this.current = 'down';
      const server = this.server;
      this.server = undefined;
      if (server !== undefined) server.forceShutdown();
      return;
    }
    if (this.server === undefined) await this.listen();
    this.current = mode;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    await this.setMode('down');
  }

  private async listen(): Promise<void> {
    const server = new Server();
    server.addService(TRACE_SERVICE, {
      Export: (
        call: { request: Buffer },
        callback: (err: { code: number; details: string } | null, res?: Buffer) => void,
      ) => {
        if (this.current !== 'ok') {
          this.calls.unavailable++;
          callback({ code: status.UNAVAILABLE, details: 'chaos: collector unavailable' });
          return;
        }
        let ids;
        try {
          ids = spanIdsOfExportRequest(call.request);
        } catch (err) {
          this.calls.malformed++;
          callback({ code: status.INVALID_ARGUMENT, details: (err as Error).message });
          return;
        }
        const now = Date.now();
        for (const { traceId, spanId } of ids) {
          const seen = this.counts.get(spanId);
          this.counts.set(spanId, (seen ?? 0) + 1);
          if (seen === undefined) {
            this.traceOf.set(spanId, traceId);
            this.arrivals.set(spanId, now);
          }
        }
        this.calls.ok++;
        callback(null, Buffer.alloc(0));
      },
    });
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.port}`, ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      );
    });
    this.server = server;
  }
}
