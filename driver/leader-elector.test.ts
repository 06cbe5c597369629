import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeServer } from './test-support/fake-kube-server.ts';
import { HttpsKubeApi } from './https-kube-api.ts';
import { LeaderElector } from './leader-elector.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';
import { VirtualClock } from './test-support/virtual-clock.ts';

let server: FakeKubeServer;
beforeEach(() => {
  server = new FakeKubeServer();
  server.listen();
});
afterEach(() => server.close());

function elector(identity: string, clock: VirtualClock) {
  return new LeaderElector({
    api: new HttpsKubeApi({ kubeConfig: server.kubeConfig() }),
    clock,
    logger: new MemoryLogger(),
    namespace: 'kspan',
    identity,
    leaseDurationMs: 15_000,
    retryPeriodMs: 2000,
  });
}

describe('LeaderElector', () => {
  it('lets one replica lead; a leader that stops releases the lease and the other takes over at once', async () => {
    const clock = new VirtualClock();
    const a = elector('a', clock);
    const b = elector('b', clock);
    await a.start();
    await b.start();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    await clock.advance(10_000);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]); // a renews every 2 s
    await a.stop();
    const lease = await new HttpsKubeApi({ kubeConfig: server.kubeConfig() }).get<{ spec: Record<string, unknown> }>(
      '/apis/coordination.k8s.io/v1/namespaces/kspan/leases/kspan',
    );
    expect(lease.spec.holderIdentity).toBe('');
    expect(b.isLeader).toBe(false);
    await clock.advance(2500);
    expect(b.isLeader).toBe(true); // a released the lease: b takes it at its next attempt
    await b.stop();
  });

  it('waits a full lease duration before taking a lease whose holder stopped renewing', async () => {
    const clock = new VirtualClock();
    const api = new HttpsKubeApi({ kubeConfig: server.kubeConfig() });
    await api.send('POST', '/apis/coordination.k8s.io/v1/namespaces/kspan/leases', {
      metadata: { name: 'kspan', namespace: 'kspan' },
      spec: { holderIdentity: 'crashed', leaseDurationSeconds: 15, renewTime: '2024-05-05T16:21:59.000000Z' },
    });
    const b = elector('b', clock);
    await b.start();
    expect(b.isLeader).toBe(false);
    await clock.advance(12_000);
    expect(b.isLeader).toBe(false);
    await clock.advance(6_000);
    expect(b.isLeader).toBe(true);
    await b.stop();
  });
});

describe('LeaderElector errors', () => {
  it('says which Lease permission is missing', async () => {
    server.forbidden.push({ verb: 'get', path: '/apis/coordination.k8s.io' });
    await expect(elector('a', new VirtualClock()).start()).rejects.toThrow(
      /forbidden to get leases in apiGroup "coordination.k8s.io".*get, create and update.*deploy\/rbac.yaml/,
    );
  });
});
