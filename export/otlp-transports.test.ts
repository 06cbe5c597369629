import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../core/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import { resolveOtlpConfig } from './otlp-config.ts';
import { createOtlpTraceExporter, exportOnce } from './otlp-exporter.ts';
import { FakeCollector } from './test-support/fake-collector.ts';
import { FakeHttpReceiver } from './test-support/fake-http-receiver.ts';
import { selfSignedCertificate, type TestCertificate } from './test-support/test-certificates.ts';
import { toReadableSpan } from './to-readable-span.ts';

// Each transport against a loopback receiver: what arrives, where, encoded and compressed how.
const INPUT = join(import.meta.dirname, '..', 'scenarios', 'deployment-create', 'input.ndjson');
const records = readFileSync(INPUT, 'utf8')
  .split('\n')
  .flatMap((l, i) => parseNdjsonLine(l, INPUT, i + 1) ?? []);
const spans = replay(records, { windowMs: 5000 }).spans;
const readable: ReadableSpan[] = spans.map((s) => toReadableSpan(s));
const traceId = spans[0]!.traceId;

let server: TestCertificate;
let client: TestCertificate;
beforeAll(() => {
  server = selfSignedCertificate();
  client = selfSignedCertificate('kspan-client');
});

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function send(
  env: Record<string, string>,
  flags: Parameters<typeof resolveOtlpConfig>[0],
  files: Record<string, Buffer> = {},
) {
  const config = resolveOtlpConfig(flags, env, (p) => files[p] ?? Buffer.alloc(0));
  const exporter = createOtlpTraceExporter(config);
  try {
    await exportOnce(exporter, readable);
  } finally {
    await exporter.shutdown();
  }
  return config;
}

describe('OTLP over HTTP', () => {
  it.each([
    ['http/protobuf', 'application/x-protobuf'],
    ['http/json', 'application/json'],
  ])('%s posts to /v1/traces with the headers, as %s', async (protocol, contentType) => {
    const receiver = new FakeHttpReceiver();
    stops.push(() => receiver.stop());
    const base = await receiver.start();
    await send({ OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cret' }, { protocol });
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req!.path).toBe('/v1/traces');
    expect(req!.headers['content-type']).toBe(contentType);
    expect(req!.headers['x-api-key']).toBe('s3cret');
    expect(receiver.received(traceId)).toBe(true);
    if (protocol === 'http/json') {
      const body = JSON.parse(req!.body.toString('utf8')) as {
        resourceSpans: { scopeSpans: { spans: unknown[] }[] }[];
      };
      expect(body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))).toHaveLength(spans.length);
    }
  });

  it('gzip-compresses when told to', async () => {
    const receiver = new FakeHttpReceiver();
    stops.push(() => receiver.stop());
    const base = await receiver.start();
    await send({ OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' }, { protocol: 'http/protobuf', endpoint: base });
    expect(receiver.requests[0]!.headers['content-encoding']).toBe('gzip');
    expect(receiver.received(traceId)).toBe(true);
  });

  it('speaks TLS to an https endpoint, trusting $OTEL_EXPORTER_OTLP_CERTIFICATE', async () => {
    const receiver = new FakeHttpReceiver({ key: server.key, cert: server.cert });
    stops.push(() => receiver.stop());
    const base = await receiver.start();
    expect(base).toMatch(/^https:/);
    await send(
      { OTEL_EXPORTER_OTLP_CERTIFICATE: '/ca.pem' },
      { protocol: 'http/protobuf', endpoint: base },
      { '/ca.pem': server.cert },
    );
    expect(receiver.received(traceId)).toBe(true);
  });

  it('presents a client certificate for mutual TLS', async () => {
    const receiver = new FakeHttpReceiver({ key: server.key, cert: server.cert, ca: client.cert, requestCert: true });
    stops.push(() => receiver.stop());
    const base = await receiver.start();
    const files = { '/ca.pem': server.cert, '/c.pem': client.cert, '/k.pem': client.key };
    await send(
      {
        OTEL_EXPORTER_OTLP_CERTIFICATE: '/ca.pem',
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: '/c.pem',
        OTEL_EXPORTER_OTLP_CLIENT_KEY: '/k.pem',
      },
      { protocol: 'http/json', endpoint: base },
      files,
    );
    expect(receiver.received(traceId)).toBe(true);
  });

  it('fails, not hangs, against a TLS endpoint it does not trust', async () => {
    const receiver = new FakeHttpReceiver({ key: server.key, cert: server.cert });
    stops.push(() => receiver.stop());
    const base = await receiver.start();
    await expect(send({}, { protocol: 'http/protobuf', endpoint: base })).rejects.toThrow(/OTLP export failed/);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('OTLP over gRPC', () => {
  it('plaintext to an http:// endpoint, with metadata', async () => {
    const collector = new FakeCollector();
    stops.push(() => collector.stop());
    const endpoint = await collector.start();
    await send({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cret' }, {});
    expect(collector.received(traceId)).toBe(true);
    expect(collector.metadata[0]?.['x-api-key']).toEqual(['s3cret']);
  });

  it('TLS to an https:// endpoint, trusting $OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE, with gzip requested', async () => {
    const collector = new FakeCollector({ tls: { key: server.key, cert: server.cert } });
    stops.push(() => collector.stop());
    const endpoint = await collector.start();
    expect(endpoint).toMatch(/^https:/);
    await send(
      { OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/ca.pem', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
      { endpoint },
      { '/ca.pem': server.cert },
    );
    expect(collector.received(traceId)).toBe(true);
    // grpc-js takes the grpc-encoding header off before a handler sees it: this shows a gzip request is accepted.
  });
});
