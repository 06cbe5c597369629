import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { KspanSpan } from '../core/index.ts';
import type { OtlpConfig } from '../export/otlp-config.ts';
import { terminalSafe } from '../common/terminal-safe.ts';
import { UserError } from '../common/user-error.ts';

/** Spans per OTLP export request. */
const BATCH = 512;

/** A hint for the classic TLS-vs-plaintext mix-up, read from the exporter's error. */
export function transportHint(message: string, url: string): string {
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(message))
    return `; the endpoint answers in plaintext: use http:// (or --otlp-insecure) instead of TLS`;
  if (
    url.startsWith('http://') &&
    /ECONNRESET|Connection dropped|Protocol error|socket hang up|RST_STREAM/i.test(message)
  )
    return `; if the endpoint expects TLS, use https://`;
  if (/self[- ]signed|unable to verify|UNABLE_TO_GET_ISSUER|certificate/i.test(message))
    return '; trust its CA with OTEL_EXPORTER_OTLP_CERTIFICATE=<ca.pem>';
  return '; is a collector or Jaeger listening there?';
}

/**
 * Exports spans over OTLP (gRPC or HTTP) as they come, 512 a request, one request in flight: `ready()` waits for the
 * endpoint, so a slow collector slows the replay instead of growing memory.
 */
export class SpanExport {
  private readonly exporter: SpanExporter;
  private readonly endpoint: string;
  private readonly protocol: string;
  private readonly send: (spans: readonly KspanSpan[]) => Promise<void>;
  private batch: KspanSpan[] = [];
  private exported = 0;

  private constructor(
    exporter: SpanExporter,
    config: OtlpConfig,
    send: (spans: readonly KspanSpan[]) => Promise<void>,
  ) {
    this.exporter = exporter;
    this.endpoint = config.url;
    this.protocol = config.protocol;
    this.send = send;
  }

  /** Connects as `config` says; gRPC, HTTP and the SDK are loaded only now (they take most of a cold start). */
  static async open(config: OtlpConfig, clusterName?: string): Promise<SpanExport> {
    const { createOtlpTraceExporter, exportOnce } = await import('../export/otlp-exporter.ts');
    const { readableSpanWith } = await import('../export/to-readable-span.ts');
    const { SpanResources } = await import('../export/span-resources.ts');
    const resources = SpanResources.fromEnvironment(clusterName !== undefined ? { name: clusterName } : {});
    if (resources.warning !== undefined) process.stderr.write(`kspan: warning: ${terminalSafe(resources.warning)}\n`);
    const toReadable = readableSpanWith(resources);
    const exporter = createOtlpTraceExporter(config);
    return new SpanExport(exporter, config, (spans) => exportOnce(exporter, spans.map(toReadable)));
  }

  /** Queues one span. */
  add(span: KspanSpan): void {
    this.batch.push(span);
  }

  /** Sends full batches and waits for the endpoint to accept them. */
  async ready(): Promise<void> {
    while (this.batch.length >= BATCH) await this.sendSome(this.batch.splice(0, BATCH));
  }

  /** Sends the rest, closes the connection and says how many spans went out. */
  async finish(): Promise<void> {
    await this.ready();
    if (this.batch.length > 0) await this.sendSome(this.batch.splice(0));
    await this.exporter.shutdown();
    process.stderr.write(
      `kspan: exported ${this.exported} spans to ${terminalSafe(this.endpoint)} (${this.protocol})\n`,
    );
  }

  private async sendSome(spans: KspanSpan[]): Promise<void> {
    try {
      await this.send(spans);
      this.exported += spans.length;
    } catch (err) {
      await this.exporter.shutdown();
      const message = (err as Error).message;
      throw new UserError(
        `${message} (endpoint ${this.endpoint}, ${this.protocol})${transportHint(message, this.endpoint)}`,
        1,
      );
    }
  }
}
