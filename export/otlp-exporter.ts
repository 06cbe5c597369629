import { credentials, Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { CompressionAlgorithm, OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } from '@opentelemetry/otlp-grpc-exporter-base';
import { TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpConfig } from './otlp-config.ts';
import { KSPAN_PROTOBUF_SERIALIZER } from './otlp-protobuf-request.ts';
import { ReconnectingExporter } from './reconnecting-exporter.ts';

export { parseHeaders } from './parse-headers.ts';

/**
 * An OTLP span exporter for resolved settings: gRPC, HTTP protobuf or HTTP JSON, with TLS, headers and
 * compression. Every setting is passed explicitly, so the SDK's own reading of the variables (which drops
 * a malformed one with a warning) never decides. The gRPC and HTTP/protobuf exporters are the SDK's, with its
 * transports, retries and response handling, and kspan's protobuf encoding of the request (the same bytes,
 * written from the core spans directly: export/otlp-protobuf-request.ts).
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
        new OTLPExporterBase<ReadableSpan[]>(
          createOtlpGrpcExportDelegate(
            convertLegacyOtlpGrpcOptions(
              {
                url: config.url,
                metadata,
                credentials: config.insecure
                  ? credentials.createInsecure()
                  : credentials.createSsl(ca ?? null, key ?? null, cert ?? null),
                compression,
                timeoutMillis: config.timeoutMillis,
              },
              'TRACES',
            ),
            KSPAN_PROTOBUF_SERIALIZER,
            'otlp_grpc_span_exporter',
            TraceExporterMetricsHelper,
            undefined,
            'TraceExportService',
            '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          ),
        ),
    );
  }
  const httpConfig = {
    url: config.url,
    headers: { ...config.headers },
    compression,
    timeoutMillis: config.timeoutMillis,
    ...(ca !== undefined || cert !== undefined ? { httpAgentOptions: { ca, cert, key } } : {}),
  };
  if (config.protocol !== 'http/protobuf') return new JsonTraceExporter(httpConfig);
  return new OTLPExporterBase<ReadableSpan[]>(
    createOtlpHttpExportDelegate(
      convertLegacyHttpOptions(httpConfig, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
      KSPAN_PROTOBUF_SERIALIZER,
      'otlp_http_span_exporter',
      TraceExporterMetricsHelper,
      undefined,
    ),
  );
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
