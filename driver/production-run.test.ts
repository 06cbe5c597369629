import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../core/engine.ts';
import type { InputRecord } from '../core/input-record.ts';
import type { KspanSpan } from '../core/span.ts';
import { DriverMetrics } from './driver-metrics.ts';
import { FakeKubeServer } from './test-support/fake-kube-server.ts';
import { FlakyExporter } from './test-support/flaky-exporter.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';
import { ProductionRun } from './production-run.ts';
import { parseRunOptions, type RunFlags } from './run-options.ts';
import { obj, v1Event } from './test-support/test-objects.ts';
import { VirtualClock } from './test-support/virtual-clock.ts';

const EV = '/apis/events.k8s.io/v1/events';
const T0 = Date.parse('2024-05-05T16:22:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const flags = (over: Partial<RunFlags> = {}): RunFlags => ({
  window: '5s',
  idle: '5m',
  namespace: [],
  excludeNamespace: [],
  leaseName: 'kspan',
  metricsAddr: '127.0.0.1:0',
  logLevel: 'info',
  maxQueueSize: '100',
  ...over,
});

let server: FakeKubeServer;
afterEach(() => server.close());

describe('ProductionRun', () => {
  it('exports spans through the real engine, survives the OTLP endpoint going down, flushes on stop, and its --record replays to the same spans', async () => {
    server = new FakeKubeServer();
    server.listen();
    server.put('/apis/apps/v1/deployments', obj('Deployment', 'default', 'web'));
    server.put(
      '/apis/apps/v1/replicasets',
      obj('ReplicaSet', 'default', 'web-1', ['Deployment', 'web', 'uid-deployment-web']),
    );
    server.put('/api/v1/pods', obj('Pod', 'default', 'web-1-a', ['ReplicaSet', 'web-1', 'uid-replicaset-web-1']));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspan-run-'));
    const recordFile = path.join(dir, 'record.ndjson');
    const clock = new VirtualClock(T0);
    const memory = new InMemorySpanExporter();
    const exported: ReadableSpan[] = [];
    const tap = memory.export.bind(memory);
    memory.export = (spans, cb) => {
      exported.push(...spans);
      tap(spans, cb);
    };
    const exporter = new FlakyExporter(memory);
    exporter.down = true;
    const run = await ProductionRun.start(parseRunOptions(flags({ record: recordFile }), {}), {
      kubeConfig: server.kubeConfig(),
      exporter,
      clock,
      random: () => 0.5,
      logger: new MemoryLogger(),
      defaultMetrics: false,
    });
    const ready = await fetch(`http://127.0.0.1:${run.metricsPort}/readyz`);
    expect(ready.status).toBe(200);
    const rs = { kind: 'ReplicaSet', namespace: 'default', name: 'web-1' };
    const pod = { kind: 'Pod', namespace: 'default', name: 'web-1-a' };
    server.put(EV, v1Event({ kind: 'Deployment', namespace: 'default', name: 'web' }, 'ScalingReplicaSet', iso(T0)));
    server.put(EV, v1Event(rs, 'SuccessfulCreate', iso(T0)));
    server.put(EV, v1Event(pod, 'Scheduled', iso(T0 + 1000)));
    server.put(EV, v1Event(pod, 'Pulled', iso(T0 + 2000)));
    await vi.waitFor(async () => expect(await DriverMetrics.total(run.metrics.recordsFed)).toBeGreaterThanOrEqual(7));
    await clock.advance(20_000);
    // Nothing emitted yet: traces stay open while idle < 5m.
    expect(await DriverMetrics.total(run.metrics.exportFailures)).toBe(0);
    await clock.advance(6 * 60_000, 1000); // idle traces are emitted; the endpoint is down
    const emitted = await DriverMetrics.total(run.metrics.spansEmitted);
    expect(emitted).toBeGreaterThan(0);
    expect(await DriverMetrics.total(run.metrics.exportFailures)).toBeGreaterThan(0);
    expect(exported).toHaveLength(0);
    exporter.down = false;
    await clock.advance(60_000, 1000);
    expect(exported).toHaveLength(emitted);
    await run.stop();
    const ids = exported.map((s) => s.spanContext().spanId);
    expect(new Set(ids).size).toBe(ids.length); // each span once
    expect(await DriverMetrics.total(run.metrics.exportDroppedSpans)).toBe(0);

    // Replay the recording: the same spans.
    const replayed: KspanSpan[] = [];
    const engine = new Engine({ windowMs: 5000, idleMs: 300_000, sink: { emit: (s) => replayed.push(s) } });
    const lines = fs.readFileSync(recordFile, 'utf8').trim().split('\n');
    for (const line of lines) engine.push(JSON.parse(line) as InputRecord);
    engine.close();
    expect(lines.some((l) => l.includes('"type":"tick"'))).toBe(true);
    expect(replayed.map((s) => `${s.spanId} ${s.parentSpanId ?? '-'} ${s.name}`).sort()).toEqual(
      exported.map((s) => `${s.spanContext().spanId} ${s.parentSpanContext?.spanId ?? '-'} ${s.name}`).sort(),
    );
    expect(replayed.map((s) => s.name)).toEqual(expect.arrayContaining(['Pod.Scheduled', 'Pod.Pulled']));
  });

  it('fails with an actionable error when the API server is unreachable', async () => {
    server = new FakeKubeServer(); // not listening: nothing intercepts
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:9', skipTLSVerify: false }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    await expect(
      ProductionRun.start(parseRunOptions(flags(), {}), {
        kubeConfig: kc,
        exporter: new InMemorySpanExporter(),
        logger: new MemoryLogger(),
        defaultMetrics: false,
      }),
    ).rejects.toThrow(/cannot reach the Kubernetes API server at https:\/\/127.0.0.1:9 \(ECONNREFUSED\).*--context/);
  });
});
