import { status } from '@grpc/grpc-js';
import { FakeCollector, type CollectorMode } from '../export/test-support/fake-collector.ts';
import { spanIdsOfExportRequest } from './otlp-span-ids.ts';

/** How the receiver answers: accept, refuse with `UNAVAILABLE`, or not listen at all (connection refused). */
export type ReceiverMode = CollectorMode;

/**
 * The chaos suite's OTLP/gRPC trace receiver: the tests' `FakeCollector` on 127.0.0.1 (which can refuse or go away
 * and come back on the same port), counting every span ID it accepts (so duplicates are exact) and when each first
 * arrived, instead of keeping the requests.
 */
export class OtlpReceiver {
  /** span ID → times received. */
  readonly counts = new Map<string, number>();
  /** span ID → trace ID of its first arrival. */
  readonly traceOf = new Map<string, string>();
  /** span ID → wall-clock ms of its first arrival. */
  readonly arrivals = new Map<string, number>();
  private readonly collector = new FakeCollector({
    keepRequests: false,
    onExport: (request) => {
      let ids;
      try {
        ids = spanIdsOfExportRequest(request);
      } catch (err) {
        return { code: status.INVALID_ARGUMENT, details: (err as Error).message };
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
      return undefined;
    },
  });

  /** Starts listening on an ephemeral port (then on the same one after `down`). */
  start(): Promise<string> {
    return this.collector.start();
  }

  get endpoint(): string {
    return this.collector.endpoint;
  }

  get mode(): ReceiverMode {
    return this.collector.mode;
  }

  /** Export calls answered, by outcome (`rejected`: not an OTLP request). */
  get calls(): Readonly<{ ok: number; unavailable: number; rejected: number }> {
    return this.collector.calls;
  }

  /** Span IDs received, counting repeats. */
  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** Switches the mode; `down` stops listening (clients see connection refused), anything else listens again. */
  setMode(mode: ReceiverMode): Promise<void> {
    return this.collector.setMode(mode);
  }

  /** Stops listening. */
  stop(): Promise<void> {
    return this.collector.stop();
  }
}
