import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InputRecord } from '../core/index.ts';
import { ClusterDriver, type Backpressure } from './cluster-driver.ts';
import { DriverMetrics } from './driver-metrics.ts';
import { EventFilter } from './event-filter.ts';
import { FakeEngine } from './test-support/fake-engine.ts';
import { FakeKubeServer } from './test-support/fake-kube-server.ts';
import { HttpsKubeApi } from './https-kube-api.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';
import { coreEvent, obj, v1Event } from './test-support/test-objects.ts';
import { VirtualClock, settle } from './test-support/virtual-clock.ts';

const EV = '/apis/events.k8s.io/v1/events';
const PODS = '/api/v1/pods';
const RS = '/apis/apps/v1/replicasets';
const DEPLOY = '/apis/apps/v1/deployments';
const T0 = Date.parse('2024-05-05T16:22:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const pod = { kind: 'Pod', namespace: 'default', name: 'web-1-a' };

let server: FakeKubeServer;
let driver: ClusterDriver | undefined;

afterEach(async () => {
  await driver?.stop();
  driver = undefined;
  server.close();
});

function setup(
  options: {
    filter?: EventFilter;
    seed?: boolean;
    engine?: FakeEngine;
    backpressure?: Backpressure;
    maxIntake?: number;
    feedStale?: () => boolean;
  } = {},
) {
  server = new FakeKubeServer();
  server.listen();
  if (options.seed !== false) {
    server.put(DEPLOY, obj('Deployment', 'default', 'web'));
    server.put(RS, obj('ReplicaSet', 'default', 'web-1', ['Deployment', 'web', 'uid-deployment-web']));
    server.put(PODS, obj('Pod', 'default', 'web-1-a', ['ReplicaSet', 'web-1', 'uid-replicaset-web-1']));
  }
  const clock = new VirtualClock(T0);
  const metrics = new DriverMetrics();
  const logger = new MemoryLogger();
  const engine = options.engine ?? new FakeEngine();
  const api = new HttpsKubeApi({
    kubeConfig: server.kubeConfig(),
    onRequest: (r) => metrics.apiRequests.inc(r),
  });
  driver = new ClusterDriver({
    api,
    engine,
    clock,
    logger,
    metrics,
    windowMs: 5000,
    filter: options.filter,
    random: () => 0.5,
    backpressure: options.backpressure,
    maxIntake: options.maxIntake,
    feedStale: options.feedStale,
  });
  return { clock, metrics, logger, engine, driver, requestTotal: () => DriverMetrics.total(metrics.apiRequests) };
}

describe('ClusterDriver', () => {
  it('feeds the involved object, its owners, then the event, and ticks every second', async () => {
    const { engine, driver, clock } = setup();
    await driver.start();
    expect(driver.ready).toBe(true);
    server.put(EV, v1Event(pod, 'Scheduled', iso(T0)));
    await vi.waitFor(() => expect(engine.spans).toHaveLength(1));
    const kinds = engine.records
      .filter((r) => r.type !== 'tick')
      .map((r) => (r.type === 'object' ? `object ${r.object.kind}` : `event ${r.watch}`));
    expect(kinds).toEqual(['object Pod', 'object ReplicaSet', 'object Deployment', 'event ADDED']);
    const podRecord = engine.records.find((r) => r.type === 'object');
    expect(podRecord?.type === 'object' && podRecord.object).toEqual(
      expect.not.objectContaining({ spec: expect.anything() }),
    );
    await clock.advance(3000);
    await driver.idle();
    expect(engine.records.filter((r) => r.type === 'tick')).toHaveLength(3);
    await driver.stop();
    expect(engine.closed).toBe(true);
  });

  it('lets the object cache go at shutdown, once the last lookup is done (the flush would hold it for seconds)', async () => {
    const { engine, driver } = setup();
    await driver.start();
    server.put(EV, v1Event(pod, 'Scheduled', iso(T0)));
    await vi.waitFor(() => expect(engine.spans).toHaveLength(1));
    const cache = (driver as unknown as { objects: { size: number } }).objects;
    expect(cache.size).toBeGreaterThan(0);
    await driver.stop();
    expect(cache.size).toBe(0);
  });

  it('skips listed events older than start − window and feeds the recent ones', async () => {
    const { engine, driver, metrics } = setup();
    server.put(EV, v1Event(pod, 'Old', iso(T0 - 60_000)));
    server.put(EV, v1Event(pod, 'Recent', iso(T0 - 2_000)));
    await driver.start();
    expect(engine.spans.map((s) => s.name)).toEqual(['Pod.Recent']);
    expect(engine.records.find((r) => r.type === 'event')).not.toHaveProperty('watch');
    expect((await metrics.eventsSkipped.get()).values).toContainEqual(
      expect.objectContaining({ labels: { reason: 'stale' }, value: 1 }),
    );
  });

  it('falls back to core/v1 events when events.k8s.io/v1 is not served', async () => {
    const { engine, driver } = setup();
    server.missing.add('/apis/events.k8s.io');
    await driver.start();
    expect(driver.eventsPath).toBe('/api/v1/events');
    server.put('/api/v1/events', coreEvent(pod, 'Pulled', iso(T0)));
    await vi.waitFor(() => expect(engine.spans.map((s) => s.name)).toEqual(['Pod.Pulled']));
  });

  it('re-lists after 410 Gone mid-stream and never emits a span twice', async () => {
    const { engine, driver, metrics } = setup();
    await driver.start();
    server.put(EV, v1Event(pod, 'A', iso(T0)));
    server.put(EV, v1Event(pod, 'B', iso(T0)));
    await vi.waitFor(() => expect(engine.spans).toHaveLength(2));
    const lists = server.count('list', EV);
    server.expire(EV); // ERROR 410 on the stream; history compacted
    server.put(EV, v1Event(pod, 'C', iso(T0)), false); // happens while kspan re-lists: only a list shows it
    await vi.waitFor(() => expect(engine.spans.map((s) => s.name)).toEqual(['Pod.A', 'Pod.B', 'Pod.C']));
    expect(server.count('list', EV)).toBe(lists + 1);
    await vi.waitFor(() => expect(server.openWatches(EV)).toBe(1));
    server.put(EV, v1Event(pod, 'D', iso(T0)));
    await vi.waitFor(() => expect(engine.spans.map((s) => s.name)).toEqual(['Pod.A', 'Pod.B', 'Pod.C', 'Pod.D']));
    expect(new Set(engine.spans.map((s) => s.spanId)).size).toBe(4);
    expect((await metrics.eventsSkipped.get()).values).toContainEqual(
      expect.objectContaining({ labels: { reason: 'duplicate' }, value: 2 }),
    );
    expect((await metrics.watchRestarts.get()).values).toContainEqual(
      expect.objectContaining({ labels: { resource: 'events', reason: 'gone' } }),
    );
  });

  it('fedRevision: every Event up to it was fed (a list at its end, a watched Event once fed), never one waiting', async () => {
    let release = () => {};
    const backpressure = {
      saturated: false,
      whenDrained: () => new Promise<void>((resolve) => (release = resolve)),
    };
    const { engine, driver } = setup({ backpressure });
    server.put(EV, v1Event(pod, 'A', iso(T0)));
    await driver.start();
    const listed = server.resourceVersion;
    expect(driver.fedRevision).toBe(listed);
    server.put(EV, v1Event(pod, 'B', iso(T0)));
    await vi.waitFor(() => expect(engine.spans).toHaveLength(2));
    expect(driver.fedRevision).toBe(server.resourceVersion);
    backpressure.saturated = true; // the export queue is full: delivered Events wait in the intake
    const before = server.resourceVersion;
    server.put(EV, v1Event(pod, 'C', iso(T0)));
    await vi.waitFor(() => expect(driver.pendingEvents).toBe(1));
    expect(driver.fedRevision).toBe(before); // C was delivered, not fed: a checkpoint must not say it was seen
    backpressure.saturated = false;
    release();
    await vi.waitFor(() => expect(engine.spans).toHaveLength(3));
    expect(driver.fedRevision).toBe(server.resourceVersion);
    server.expire(EV); // 410: the re-list's resourceVersion counts once the list is fed
    server.put(EV, v1Event(pod, 'D', iso(T0)), false);
    await vi.waitFor(() => expect(engine.spans).toHaveLength(4));
    expect(driver.fedRevision).toBe(server.resourceVersion);
  });

  it('resumes a dropped watch from the last resourceVersion, with backoff', async () => {
    const { engine, driver, clock, logger } = setup();
    await driver.start();
    server.put(EV, v1Event(pod, 'A', iso(T0)));
    await vi.waitFor(() => expect(engine.spans).toHaveLength(1));
    const lastRv = String(server.resourceVersion);
    const watches = server.count('watch', EV);
    server.endStreams(EV, 'error');
    await vi.waitFor(() =>
      expect(logger.lines.map((l) => l.msg)).toContain(
        'watch connection dropped; resuming from the last resourceVersion',
      ),
    );
    server.put(EV, v1Event(pod, 'B', iso(T0)), false); // while disconnected
    expect(server.count('watch', EV)).toBe(watches); // waiting for the backoff
    await clock.advance(1000);
    await vi.waitFor(() => expect(server.count('watch', EV)).toBe(watches + 1));
    const resumed = server.requests.filter((r) => r.path === EV && r.query.watch === 'true').at(-1);
    expect(resumed?.query.resourceVersion).toBe(lastRv);
    await vi.waitFor(() => expect(engine.spans.map((s) => s.name)).toEqual(['Pod.A', 'Pod.B']));
    expect(server.count('list', EV)).toBe(1); // resumed, not re-listed
  });

  it('counts and skips a malformed watch line, and the watch goes on', async () => {
    const { engine, driver, metrics, logger } = setup();
    await driver.start();
    server.sendLine(EV, '{"type":"ADDED","object":{"metadata"'); // truncated JSON
    server.sendLine(EV, 'not json at all');
    server.put(EV, v1Event(pod, 'After', iso(T0)));
    await vi.waitFor(() => expect(engine.spans.map((s) => s.name)).toEqual(['Pod.After']));
    expect((await metrics.watchMalformedLines.get()).values).toEqual([
      expect.objectContaining({ labels: { resource: 'events' }, value: 2 }),
    ]);
    expect(logger.lines.filter((l) => l.msg === 'skipped a malformed watch line')).toHaveLength(2);
    expect(server.count('watch', EV)).toBe(1);
  });

  it('with a slow API, keeps event order and coalesces concurrent lookups of one object', async () => {
    const { engine, driver } = setup();
    await driver.start();
    server.put('/api/v1/persistentvolumeclaims', obj('PersistentVolumeClaim', 'default', 'data'), false);
    server.latencyMs = 150;
    const pvc = { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' };
    for (const reason of ['P1', 'P2', 'P3', 'P4', 'P5']) server.put(EV, v1Event(pvc, reason, iso(T0)));
    server.put(EV, v1Event(pod, 'AfterSlow', iso(T0)));
    await vi.waitFor(() => expect(engine.spans).toHaveLength(6), { timeout: 5000 });
    expect(engine.spans.map((s) => s.name)).toEqual([
      'PersistentVolumeClaim.P1',
      'PersistentVolumeClaim.P2',
      'PersistentVolumeClaim.P3',
      'PersistentVolumeClaim.P4',
      'PersistentVolumeClaim.P5',
      'Pod.AfterSlow',
    ]);
    expect(server.count('get', '/api/v1/namespaces/default/persistentvolumeclaims/data')).toBe(1);
    expect(engine.records.filter((r) => r.type === 'object' && r.object.kind === 'PersistentVolumeClaim')).toHaveLength(
      1,
    );
  });

  it('makes fewer than 0.1 API requests per event in steady state', async () => {
    const { engine, driver, metrics, requestTotal } = setup();
    await driver.start();
    for (let s = 0; s < 5; s++) server.put('/api/v1/services', obj('Service', 'default', `svc-${s}`), false);
    const before = await requestTotal();
    const n = 200;
    for (let i = 0; i < n; i++) {
      let about: { kind: string; namespace: string; name: string } = pod;
      if (i % 20 === 0) {
        // new pods keep appearing: the pod watch describes them before (or soon after) their events
        server.put(PODS, obj('Pod', 'default', `web-1-n${i}`, ['ReplicaSet', 'web-1', 'uid-replicaset-web-1']));
        await settle();
        about = { kind: 'Pod', namespace: 'default', name: `web-1-n${i}` };
      } else if (i % 10 === 5) {
        // a kind kspan does not watch: one GET per object, then the TTL cache
        about = { kind: 'Service', namespace: 'default', name: `svc-${i % 5 === 0 ? (i / 5) % 5 : 0}` };
      }
      server.put(EV, v1Event(about, `R${i}`, iso(T0)));
    }
    await vi.waitFor(() => expect(engine.spans).toHaveLength(n), { timeout: 5000 });
    const perEvent = ((await requestTotal()) - before) / n;
    console.log(
      `API requests per event in steady state: ${perEvent} (${(await requestTotal()) - before} requests for ${n} events)`,
    );
    expect(perEvent).toBeLessThan(0.1);
    expect(server.count('get', '/api/v1/namespaces/default/services/')).toBe(5);
    expect(server.count('get', '/api/v1/namespaces/default/pods/')).toBe(0);
    const histogram = (await metrics.apiRequestsPerEvent.get()).values.find(
      (v) => v.metricName === 'kspan_api_requests_per_event_sum',
    );
    expect(histogram?.value).toBe(5);
  });

  it('describes a known object again when its watch reports a change', async () => {
    const { engine, driver } = setup();
    await driver.start();
    server.put(EV, v1Event(pod, 'Scheduled', iso(T0)));
    await vi.waitFor(() => expect(engine.spans).toHaveLength(1));
    server.put(PODS, {
      ...obj('Pod', 'default', 'web-1-a', ['ReplicaSet', 'web-1', 'uid-replicaset-web-1']),
      status: { phase: 'Running' },
    });
    server.put(PODS, obj('Pod', 'default', 'unrelated'));
    await vi.waitFor(() =>
      expect(engine.records.filter((r) => r.type === 'object' && r.object.kind === 'Pod')).toHaveLength(2),
    );
    server.remove(PODS, 'default', 'web-1-a');
    await vi.waitFor(() =>
      expect(engine.records.at(-1)).toMatchObject({ type: 'object', deleted: true, object: { kind: 'Pod' } }),
    );
    expect(engine.records.some((r) => r.type === 'object' && r.object.metadata?.name === 'unrelated')).toBe(false);
  });

  it('filters by namespace, kind and event type', async () => {
    const { engine, driver } = setup({
      filter: new EventFilter({ excludeNamespaces: ['kube-system'], kinds: ['Pod'], eventTypes: ['Warning'] }),
    });
    await driver.start();
    server.put(EV, v1Event(pod, 'Normal', iso(T0)));
    server.put(EV, v1Event(pod, 'Warned', iso(T0), { type: 'Warning' }));
    server.put(
      EV,
      v1Event({ kind: 'Pod', namespace: 'kube-system', name: 'dns' }, 'System', iso(T0), { type: 'Warning' }),
    );
    server.put(
      EV,
      v1Event({ kind: 'ReplicaSet', namespace: 'default', name: 'web-1' }, 'RsWarn', iso(T0), { type: 'Warning' }),
    );
    server.put(EV, v1Event(pod, 'Last', iso(T0), { type: 'Warning' }));
    await vi.waitFor(() => expect(engine.spans.map((s) => s.name)).toEqual(['Pod.Warned', 'Pod.Last']));
  });

  it('does not feed DELETED events, and feeds a new occurrence of a known event', async () => {
    const { engine, driver } = setup();
    await driver.start();
    const ev = server.put(EV, v1Event(pod, 'BackOff', iso(T0), { uid: 'bo', count: 1 }));
    server.put(EV, { ...ev, series: { count: 2, lastObservedTime: iso(T0 + 1000) } });
    server.remove(EV, 'default', ev.metadata.name);
    server.put(EV, v1Event(pod, 'Marker', iso(T0)));
    await vi.waitFor(() =>
      expect(engine.spans.map((s) => s.spanId)).toEqual(['bo#1', 'bo#2', expect.stringMatching(/#1$/)]),
    );
    expect(engine.records.filter((r) => r.type === 'event').map((r) => r.type === 'event' && r.watch)).toEqual([
      'ADDED',
      'MODIFIED',
      'ADDED',
    ]);
  });

  it('fails to start with an actionable message when watching events is forbidden', async () => {
    const { driver } = setup();
    server.forbidden.push({ verb: 'watch', path: EV });
    await expect(driver.start()).rejects.toThrow(
      /forbidden to watch events in apiGroup "events.k8s.io".*get, list and watch.*deploy\/rbac.yaml/,
    );
  });

  it('a failure while feeding an object change is logged and does not drop the next event', async () => {
    class ThrowsOnDeletion extends FakeEngine {
      override push(record: InputRecord): void {
        if (record.type === 'object' && record.deleted === true) throw new Error('engine refused the deletion');
        super.push(record);
      }
    }
    const { engine, driver, logger } = setup({ engine: new ThrowsOnDeletion() });
    await driver.start();
    server.put(EV, v1Event(pod, 'Scheduled', iso(T0)));
    await vi.waitFor(() => expect(engine.spans).toHaveLength(1));
    server.remove(PODS, 'default', 'web-1-a'); // the driver feeds the deletion of a known object: the engine throws
    await vi.waitFor(() => expect(logger.lines.map((l) => l.msg)).toContain('failed to process an object change'));
    server.put(EV, v1Event(pod, 'Next', iso(T0)));
    await vi.waitFor(() => expect(engine.spans.map((s) => s.name)).toEqual(['Pod.Scheduled', 'Pod.Next']));
  });

  it('looks objects up concurrently, in order: a slow miss does not cost every later event its latency', async () => {
    const { engine, driver } = setup();
    await driver.start();
    const n = 48;
    for (let i = 0; i < n; i++)
      server.put('/api/v1/persistentvolumeclaims', obj('PersistentVolumeClaim', 'default', `pvc-${i}`), false);
    server.latencyMs = 100; // one GET per event (a kind kspan does not watch)
    const started = performance.now();
    for (let i = 0; i < n; i++)
      server.put(
        EV,
        v1Event({ kind: 'PersistentVolumeClaim', namespace: 'default', name: `pvc-${i}` }, `R${i}`, iso(T0)),
      );
    await vi.waitFor(() => expect(engine.spans).toHaveLength(n), { timeout: 10_000 });
    const elapsed = performance.now() - started;
    console.log(`${n} events, one 100 ms lookup each: fed in ${Math.round(elapsed)} ms (one at a time: ${n * 100} ms)`);
    expect(elapsed).toBeLessThan((n * 100) / 3);
    expect(engine.spans.map((s) => s.name)).toEqual(Array.from({ length: n }, (_, i) => `PersistentVolumeClaim.R${i}`));
    // each event's objects come right before it
    const order = engine.records
      .filter((r) => r.type !== 'tick')
      .map((r) => (r.type === 'object' ? r.object.metadata?.name : r.type === 'event' ? r.event.reason : ''));
    expect(order.slice(0, 4)).toEqual(['pvc-0', 'R0', 'pvc-1', 'R1']);
  });

  it('a saturated export queue stops the feeding; a full intake buffer pauses the event watch; both resume and lose nothing', async () => {
    let saturated = false;
    let drained: () => void = () => {};
    const backpressure: Backpressure = {
      get saturated() {
        return saturated;
      },
      whenDrained: () => new Promise<void>((resolve) => (drained = resolve)),
    };
    const { engine, driver, logger, metrics } = setup({ backpressure, maxIntake: 5 });
    await driver.start();
    saturated = true;
    for (let i = 0; i < 5; i++) server.put(EV, v1Event(pod, `E${i}`, iso(T0)));
    await vi.waitFor(() => expect(driver.pendingEvents).toBe(5));
    expect(engine.spans).toHaveLength(0);
    await vi.waitFor(() =>
      expect(logger.lines.map((l) => l.msg)).toContain('intake buffer full: pausing the event watch'),
    );
    for (let i = 5; i < 20; i++) server.put(EV, v1Event(pod, `E${i}`, iso(T0)));
    await settle(10);
    // the paused watch is not read: the API server (TCP flow control) holds the rest
    expect(await DriverMetrics.total(metrics.eventsReceived)).toBeLessThan(20);
    saturated = false;
    drained();
    await vi.waitFor(() => expect(engine.spans).toHaveLength(20));
    expect(engine.spans.map((s) => s.name)).toEqual(Array.from({ length: 20 }, (_, i) => `Pod.E${i}`));
    expect(logger.lines.map((l) => l.msg)).toContain('intake buffer drained: resuming the event watch');
    expect((await metrics.intakePaused.get()).values.map((v) => v.labels.cause).sort()).toEqual([
      'export-queue',
      'intake-buffer',
    ]);
  });

  it('feeds a burst in slices that yield to the event loop, so timers (export, probes, Lease) keep running', async () => {
    const { engine, driver } = setup();
    for (let i = 0; i < 20_000; i++) server.put(EV, v1Event(pod, `B${i}`, iso(T0)), false);
    let ticks = 0;
    let running = true;
    const tick = (): void => {
      ticks++;
      if (running) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    await driver.start(); // the initial list: 20,000 events
    running = false;
    expect(engine.spans).toHaveLength(20_000);
    console.log(`timers ran ${ticks} times while 20,000 listed events were fed`);
    expect(ticks).toBeGreaterThan(20);
  });

  it('on stop, feeds every event delivered, also those still waiting for their objects', async () => {
    const { engine, driver } = setup();
    await driver.start();
    for (let i = 0; i < 150; i++)
      server.put('/api/v1/persistentvolumeclaims', obj('PersistentVolumeClaim', 'default', `pvc-${i}`), false);
    server.latencyMs = 50;
    for (let i = 0; i < 150; i++)
      server.put(
        EV,
        v1Event({ kind: 'PersistentVolumeClaim', namespace: 'default', name: `pvc-${i}` }, `R${i}`, iso(T0)),
      );
    await vi.waitFor(() => expect(driver.pendingEvents).toBeGreaterThan(100));
    await driver.stop();
    expect(engine.spans).toHaveLength(150);
    expect(engine.closed).toBe(true);
  });

  it('feeds old listed events too when a checkpoint says what was exported (restart, failover)', async () => {
    const { engine, driver, metrics } = setup({ feedStale: () => true });
    server.put(EV, v1Event(pod, 'Old', iso(T0 - 50 * 60_000)));
    server.put(EV, v1Event(pod, 'Recent', iso(T0 - 2_000)));
    await driver.start();
    expect(engine.spans.map((s) => s.name)).toEqual(['Pod.Old', 'Pod.Recent']);
    expect(await DriverMetrics.total(metrics.eventsSkipped)).toBe(0);
  });
});
