import { describe, expect, it } from 'vitest';
import { DriverMetrics } from './driver-metrics.ts';
import { FakeEngine } from './test-support/fake-engine.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';
import { StatusServer, parseListenAddress } from './status-server.ts';

describe('StatusServer', () => {
  it('serves /metrics, /healthz and /readyz (503 until ready)', async () => {
    const metrics = new DriverMetrics();
    const engine = new FakeEngine();
    engine.diagnostics.counts['late-event'] = 3;
    metrics.observeEngine(engine);
    metrics.eventsReceived.inc({ kind: 'Pod', reason: 'Scheduled', type: 'Normal' });
    let ready = false;
    const server = new StatusServer({ registry: metrics.registry, ready: () => ready, logger: new MemoryLogger() });
    const port = await server.listen('127.0.0.1:0');
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text() };
    };
    try {
      expect((await get('/healthz')).status).toBe(200);
      expect((await get('/readyz')).status).toBe(503);
      ready = true;
      expect((await get('/readyz')).status).toBe(200);
      const body = (await get('/metrics')).body;
      expect(body).toContain('kspan_events_received_total{kind="Pod",reason="Scheduled",type="Normal"} 1');
      expect(body).toContain('kspan_diagnostics_total{code="late-event"} 3');
      expect(body).toContain('kspan_engine_pending_events 0');
      expect(body).toContain('kspan_export_dropped_spans_total');
      expect(body).toContain('kspan_api_requests_total');
    } finally {
      await server.close();
    }
  });

  it.each([
    [':9090', { host: undefined, port: 9090 }],
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['[::1]:9090', { host: '::1', port: 9090 }],
    ['9090', { host: undefined, port: 9090 }],
  ])('parses the listen address %s', (addr, expected) => {
    expect(parseListenAddress(addr)).toEqual(expected);
  });
});
