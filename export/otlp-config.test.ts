import { describe, expect, it } from 'vitest';
import { resolveOtlpConfig, type OtlpConfig, type OtlpFlags } from './otlp-config.ts';

const read = (path: string): Buffer => {
  if (path.startsWith('/missing')) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return Buffer.from(`PEM of ${path}`);
};

function resolve(flags: OtlpFlags, env: Record<string, string>): OtlpConfig {
  return resolveOtlpConfig(flags, env, read);
}

describe('OTLP settings from flags and the OpenTelemetry exporter variables', () => {
  it.each<[string, OtlpFlags, Record<string, string>, Partial<OtlpConfig>]>([
    ['defaults: gRPC on localhost:4317', {}, {}, { protocol: 'grpc', url: 'http://localhost:4317', insecure: true }],
    [
      'http/protobuf default endpoint',
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      { protocol: 'http/protobuf', url: 'http://localhost:4318/v1/traces' },
    ],
    [
      'the traces protocol wins over the general one',
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
      { protocol: 'http/json' },
    ],
    [
      'the flag wins over both',
      { protocol: 'grpc' },
      { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
      { protocol: 'grpc' },
    ],
    [
      'HTTP appends /v1/traces to the general endpoint',
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/otlp/' },
      { url: 'https://otlp.example.com/otlp/v1/traces', insecure: false, urlFrom: '$OTEL_EXPORTER_OTLP_ENDPOINT' },
    ],
    [
      'the traces endpoint is used as it is',
      {},
      {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom',
      },
      { url: 'http://b:4318/custom', urlFrom: '$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' },
    ],
    [
      'gRPC takes the general endpoint without a path',
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4317' },
      { url: 'https://collector:4317', insecure: false },
    ],
    [
      'a flag URL without a path gets /v1/traces over HTTP',
      { endpoint: 'http://127.0.0.1:4318', protocol: 'http/json' },
      {},
      { url: 'http://127.0.0.1:4318/v1/traces', urlFrom: '--otlp-endpoint' },
    ],
    [
      'a flag URL with a path is kept',
      { endpoint: 'http://127.0.0.1:4318/otlp/v1/traces', protocol: 'http/json' },
      {},
      { url: 'http://127.0.0.1:4318/otlp/v1/traces' },
    ],
    [
      'headers: traces-specific over general, flags over both, values URL-decoded',
      { headers: { c: 'flag' } },
      { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=general,c=general', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=traces%20x' },
      { headers: { a: '1', b: 'traces x', c: 'flag' } },
    ],
    ['gzip compression', {}, { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' }, { compression: 'gzip' }],
    ['a timeout in milliseconds', {}, { OTEL_EXPORTER_OTLP_TIMEOUT: '2500' }, { timeoutMillis: 2500 }],
    [
      'gRPC insecure from the variable for an https URL',
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c:4317', OTEL_EXPORTER_OTLP_INSECURE: 'true' },
      { insecure: true },
    ],
    [
      'TLS files: CA and a client pair',
      {},
      {
        OTEL_EXPORTER_OTLP_CERTIFICATE: '/ca.pem',
        OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: '/c.pem',
        OTEL_EXPORTER_OTLP_CLIENT_KEY: '/k.pem',
      },
      {
        tls: {
          ca: Buffer.from('PEM of /ca.pem'),
          cert: Buffer.from('PEM of /c.pem'),
          key: Buffer.from('PEM of /k.pem'),
        },
      },
    ],
  ])('%s', (_name, flags, env, expected) => {
    expect(resolve(flags, env)).toMatchObject(expected);
  });

  it.each<[string, OtlpFlags, Record<string, string>, RegExp]>([
    [
      'an unknown protocol flag',
      { protocol: 'http' },
      {},
      /^--otlp-protocol: expected one of grpc, http\/protobuf, http\/json, got "http"$/,
    ],
    [
      'an unknown protocol variable',
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' },
      /^\$OTEL_EXPORTER_OTLP_PROTOCOL: expected one of/,
    ],
    [
      'a malformed endpoint variable',
      {},
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4317' },
      /^\$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: expected an http/,
    ],
    [
      'a bad compression',
      {},
      { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' },
      /^\$OTEL_EXPORTER_OTLP_COMPRESSION: expected one of gzip, none/,
    ],
    [
      'a bad timeout',
      {},
      { OTEL_EXPORTER_OTLP_TIMEOUT: '10s' },
      /^\$OTEL_EXPORTER_OTLP_TIMEOUT: expected milliseconds/,
    ],
    [
      'a bad insecure value',
      {},
      { OTEL_EXPORTER_OTLP_INSECURE: 'yes' },
      /^\$OTEL_EXPORTER_OTLP_INSECURE: expected one of true, false/,
    ],
    [
      'a missing CA file',
      {},
      { OTEL_EXPORTER_OTLP_CERTIFICATE: '/missing/ca.pem' },
      /^\$OTEL_EXPORTER_OTLP_CERTIFICATE: cannot read \/missing\/ca\.pem \(ENOENT\)/,
    ],
    ['half a client pair', {}, { OTEL_EXPORTER_OTLP_CLIENT_KEY: '/k.pem' }, /^mutual TLS needs both/],
    [
      '--otlp-insecure with an https URL over HTTP',
      { insecure: true, protocol: 'http/json', endpoint: 'https://x' },
      {},
      /^--otlp-insecure: /,
    ],
  ])('refuses %s with one line', (_name, flags, env, message) => {
    expect(() => resolve(flags, env)).toThrow(message);
  });
});
