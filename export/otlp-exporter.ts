import { credentials, Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpConfig } from './otlp-config.ts';
import { ReconnectingExporter } from './reconnecting-exporter.ts';

export { parseHeaders } from './parse-headers.ts';

/**
 * An OTLP span exporter for resolved settings: gRPC, HTTP protobuf or HTTP JSON, with TLS, headers and
 * compression. Every setting is passed explicitly, so the SDK's own reading of the variables (which drops
 * a malformed one with a warning) never decides.
 */
export function createOtlpTraceExporter(config: OtlpConfig): SpanExporter {
  const { ca, cert, key } = config.tls;
  const compression = config.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  if (config.protocol === 'grpc') {
    const metadata = new Metadata();
    for (const [k, v] of Object.entries(config.headers)) metadata.set(k, v);
    // A fresh channel after UNAVAILABLE: grpc-js's own reconnect backoff would otherwise delay the recovery.
    return new ReconnectingExporter(
      () =>
        new GrpcTraceExporter({
          url: config.url,
          metadata,
          credentials: config.insecure
            ? credentials.createInsecure()
            : credentials.createSsl(ca ?? null, key ?? null, cert ?? null),
          compression,
          timeoutMillis: config.timeoutMillis,
        }),
    );
  }
  const Exporter = config.protocol === 'http/protobuf' ? ProtobufTraceExporter : JsonTraceExporter;
  return new Exporter({
    url: config.url,
    headers: { ...config.headers },
    compression,
    timeoutMillis: config.timeoutMillis,
    ...(ca !== undefined || cert !== undefined ? { httpAgentOptions: { ca, cert, key } } : {}),
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
