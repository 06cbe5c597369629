import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCollector } from '../export/test-support/fake-collector.ts';
import { FakeHttpReceiver } from '../export/test-support/fake-http-receiver.ts';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, 'main.ts');
const INPUT = join(import.meta.dirname, '..', 'scenarios', 'deployment-create', 'input.ndjson');

async function kspan(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('kspan replay exporting over OTLP/gRPC', () => {
  let collector: FakeCollector | undefined;
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
    for (const stop of stops.splice(0)) await stop();
  });

  it('exports every span to the endpoint named by OTEL_EXPORTER_OTLP_ENDPOINT, still prints, and says so', async () => {
    collector = new FakeCollector();
    const endpoint = await collector.start();
    const r = await kspan({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, 'replay', INPUT);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^trace [0-9a-f]{32} \(14 spans\)/);
    expect(r.stderr).toMatch(new RegExp(`also exporting to ${endpoint} \\(from \\$OTEL_EXPORTER_OTLP_ENDPOINT\\)`));
    expect(r.stderr).toMatch(new RegExp(`exported 14 spans to ${endpoint}`));
    const tree = await kspan({}, 'replay', INPUT);
    const traceId = /^trace ([0-9a-f]{32})/.exec(tree.stdout)?.[1];
    expect(traceId).toBeDefined();
    expect(collector.received(traceId!)).toBe(true);
  });

  it('--otlp-endpoint exports instead of printing', async () => {
    collector = new FakeCollector();
    const endpoint = await collector.start();
    const r = await kspan({}, 'replay', INPUT, '--otlp-endpoint', endpoint);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`kspan: exported 14 spans to ${endpoint} (grpc)\n`);
  });

  it.each([
    ['http/protobuf', 'application/x-protobuf'],
    ['http/json', 'application/json'],
  ])('--otlp-protocol %s posts to <endpoint>/v1/traces', async (protocol, contentType) => {
    const receiver = new FakeHttpReceiver();
    stops.push(() => receiver.stop());
    const base = await receiver.start();
    const r = await kspan({}, 'replay', INPUT, '--otlp-protocol', protocol, '--otlp-endpoint', base);
    expect(r.stderr).toBe(`kspan: exported 14 spans to ${base}/v1/traces (${protocol})\n`);
    expect(r.code).toBe(0);
    expect(receiver.requests.map((q) => [q.path, q.headers['content-type']])).toEqual([['/v1/traces', contentType]]);
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL picks the transport', async () => {
    const receiver = new FakeHttpReceiver();
    stops.push(() => receiver.stop());
    const base = await receiver.start();
    const r = await kspan(
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: base },
      'replay',
      INPUT,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /also exporting to http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(from \$OTEL_EXPORTER_OTLP_ENDPOINT\)/,
    );
    expect(receiver.requests).toHaveLength(1);
  });

  it('hints at plaintext when TLS meets a plaintext endpoint', async () => {
    collector = new FakeCollector();
    const endpoint = await collector.start();
    const r = await kspan({}, 'replay', INPUT, '--otlp-endpoint', endpoint.replace('http://', 'https://'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /the endpoint answers in plaintext: use http:\/\/ \(or --otlp-insecure\) instead of TLS\n$/,
    );
  });

  it('says clearly when nothing listens at the endpoint, and exits 1', async () => {
    const r = await kspan({}, 'replay', INPUT, '--otlp-endpoint', 'http://127.0.0.1:1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kspan: OTLP export failed: .*ECONNREFUSED.*is a collector or Jaeger listening there\?\n$/,
    );
  });
});
