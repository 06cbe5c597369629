import { afterEach, describe, expect, it } from 'vitest';
import { replay } from '../core/index.ts';
import { ev, obj } from '../core/test-support/index.ts';
import { resolveOtlpConfig } from './otlp-config.ts';
import { createOtlpTraceExporter, exportOnce, parseHeaders } from './otlp-exporter.ts';
import { FakeCollector } from './test-support/fake-collector.ts';
import { toReadableSpan } from './to-readable-span.ts';

const spans = replay([
  obj(0, 'Deployment', 'web'),
  ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
]).spans;

describe('OTLP/gRPC export', () => {
  let collector: FakeCollector | undefined;
  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
  });

  it('delivers the spans, with their deterministic IDs, to a collector', async () => {
    collector = new FakeCollector();
    const endpoint = await collector.start();
    const exporter = createOtlpTraceExporter(resolveOtlpConfig({ endpoint, headers: { 'x-api-key': 'secret' } }, {}));
    await exportOnce(
      exporter,
      spans.map((s) => toReadableSpan(s)),
    );
    await exporter.shutdown();
    expect(collector.requests).toHaveLength(1);
    for (const s of spans) {
      expect(collector.received(s.traceId)).toBe(true);
      expect(collector.received(s.spanId)).toBe(true);
    }
  });

  it('reports a collector that refuses as a failed export, not a crash', async () => {
    collector = new FakeCollector();
    collector.failing = true;
    const exporter = createOtlpTraceExporter(
      resolveOtlpConfig({ endpoint: await collector.start() }, { OTEL_EXPORTER_OTLP_TIMEOUT: '2000' }),
    );
    await expect(
      exportOnce(
        exporter,
        spans.map((s) => toReadableSpan(s)),
      ),
    ).rejects.toThrow(/OTLP export failed/);
    await exporter.shutdown();
  });

  it('parses OTEL_EXPORTER_OTLP_HEADERS-style lists', () => {
    expect(parseHeaders('api-key=abc%3D,team = core')).toEqual({ 'api-key': 'abc=', team: 'core' });
  });
});

describe('toReadableSpan', () => {
  it('keeps IDs, parent, times (microseconds → HrTime), status and resource', () => {
    const child = spans.find((s) => s.parentSpanId !== undefined);
    expect(child).toBeDefined();
    const r = toReadableSpan(child!);
    expect(r.spanContext().traceId).toBe(child!.traceId);
    expect(r.parentSpanContext?.spanId).toBe(child!.parentSpanId);
    expect(r.startTime[0] * 1e6 + r.startTime[1] / 1e3).toBe(child!.startUs);
    expect(r.resource.attributes['service.name']).toBe('test-controller');
  });
});
