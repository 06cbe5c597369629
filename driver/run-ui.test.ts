import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DriverMetrics } from './driver-metrics.ts';
import { ProductionRun } from './production-run.ts';
import { parseRunOptions, type RunFlags } from './run-options.ts';
import { FakeKubeServer } from './test-support/fake-kube-server.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';
import { obj, v1Event } from './test-support/test-objects.ts';
import { runFlags } from './test-support/run-flags.ts';
import { VirtualClock } from './test-support/virtual-clock.ts';

const EV = '/apis/events.k8s.io/v1/events';
const T0 = Date.parse('2024-05-05T16:22:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const flags = (over: Partial<RunFlags> = {}): RunFlags => runFlags({ idle: '1m', ...over });

let server: FakeKubeServer | undefined;
let run: ProductionRun | undefined;
afterEach(async () => {
  await run?.stop();
  server?.close();
  run = undefined;
  server = undefined;
});

async function startWith(over: Partial<RunFlags>): Promise<{ run: ProductionRun; clock: VirtualClock }> {
  server = new FakeKubeServer();
  server.listen();
  server.put('/apis/apps/v1/replicasets', obj('ReplicaSet', 'default', 'web-1'));
  server.put('/api/v1/pods', obj('Pod', 'default', 'web-1-a', ['ReplicaSet', 'web-1', 'uid-replicaset-web-1']));
  const clock = new VirtualClock(T0);
  run = await ProductionRun.start(parseRunOptions(flags(over), {}), {
    kubeConfig: server.kubeConfig(),
    exporter: new InMemorySpanExporter(),
    clock,
    random: () => 0.5,
    logger: new MemoryLogger(),
    defaultMetrics: false,
  });
  return { run, clock };
}

describe('kspan run --ui', () => {
  it('serves the HTML timeline of the traces it emitted at /ui on the status port', async () => {
    const { run, clock } = await startWith({ ui: true });
    const page0 = await fetch(`http://127.0.0.1:${run.metricsPort}/ui`);
    expect(page0.status).toBe(200);
    expect(page0.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page0.text()).toContain('the 0 most recent traces (0 spans)');

    const pod = { kind: 'Pod', namespace: 'default', name: 'web-1-a' };
    server?.put(EV, v1Event({ kind: 'ReplicaSet', namespace: 'default', name: 'web-1' }, 'SuccessfulCreate', iso(T0)));
    server?.put(EV, v1Event(pod, 'Scheduled', iso(T0 + 1000)));
    await vi.waitFor(async () => expect(await DriverMetrics.total(run.metrics.recordsFed)).toBeGreaterThanOrEqual(4));
    await clock.advance(2 * 60_000, 1000); // idle traces are emitted
    const emitted = await DriverMetrics.total(run.metrics.spansEmitted);
    expect(emitted).toBeGreaterThan(0);

    const page = await (await fetch(`http://127.0.0.1:${run.metricsPort}/ui`)).text();
    expect(page).toContain(`most recent traces (${emitted} spans)`);
    expect(page).toContain('Pod.Scheduled');
    expect(page).toContain('ReplicaSet.SuccessfulCreate');
    // The same self-contained page as `replay -o html`: no network allowed.
    expect(page).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;/);
  });

  it('is off by default: /ui is not served and the 404 does not offer it', async () => {
    const { run } = await startWith({});
    const res = await fetch(`http://127.0.0.1:${run.metricsPort}/ui`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('/ui');
  });

  it('bounds what it keeps, and refuses a bound without the flag', () => {
    expect(parseRunOptions(flags({ ui: true, uiMaxSpans: '200' }), {}).uiMaxSpans).toBe(200);
    expect(parseRunOptions(flags({ ui: true }), {}).uiMaxSpans).toBe(5000);
    expect(parseRunOptions(flags({}), {}).uiMaxSpans).toBeUndefined();
    expect(() => parseRunOptions(flags({ ui: true, uiMaxSpans: '0' }), {})).toThrow(
      /--ui-max-spans: expected a positive/,
    );
    expect(() => parseRunOptions(flags({ uiMaxSpans: '10' }), {})).toThrow(/needs --ui/);
  });
});
