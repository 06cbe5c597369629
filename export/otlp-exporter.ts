import { credentials, Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export { parseHeaders } from './parse-headers.ts';

/** OTLP/gRPC settings; anything left out comes from the standard `OTEL_EXPORTER_OTLP_*` variables. */
export interface OtlpExporterOptions {
  /** e.g. `http://localhost:4317` (insecure) or `https://collector:4317`. */
  readonly endpoint?: string;
  /** Extra gRPC metadata, e.g. an API key; never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Plaintext gRPC even for a non-`http://` endpoint. */
  readonly insecure?: boolean;
  readonly timeoutMillis?: number;
}

/** An OTLP/gRPC span exporter (Jaeger, any collector). */
export function createOtlpTraceExporter(options: OtlpExporterOptions = {}): SpanExporter {
  let metadata: Metadata | undefined;
  if (options.headers !== undefined && Object.keys(options.headers).length > 0) {
    metadata = new Metadata();
    for (const [k, v] of Object.entries(options.headers)) metadata.set(k, v);
  }
  const insecure = options.insecure === true || options.endpoint?.startsWith('http://') === true;
  return new OTLPTraceExporter({
    ...(options.endpoint !== undefined ? { url: options.endpoint } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(insecure ? { credentials: credentials.createInsecure() } : {}),
    ...(options.timeoutMillis !== undefined ? { timeoutMillis: options.timeoutMillis } : {}),
  });
}

/** Exports spans once and resolves with the result; rejects with a clear message when the endpoint refuses. */
export function exportOnce(exporter: SpanExporter, spans: Parameters<SpanExporter['export']>[0]): Promise<void> {
  return new Promise((resolve, reject) => {
    exporter.export(spans, (result) => {
      if ((result.code as number) === 0) resolve();
      else reject(new Error(`OTLP export failed: ${result.error?.message ?? 'unknown error'}`));
    });
  });
}
