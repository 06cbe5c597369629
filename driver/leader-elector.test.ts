import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeServer } from './test-support/fake-kube-server.ts';
import { HttpsKubeApi } from './https-kube-api.ts';
import { CHECKPOINT_ANNOTATION, ENDPOINT_ANNOTATION, LeaderElector, type LeaseCheckpoint } from './leader-elector.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';
import { VirtualClock } from './test-support/virtual-clock.ts';

let server: FakeKubeServer;
beforeEach(() => {
  server = new FakeKubeServer();
  server.listen();
});
afterEach(() => server.close());

function elector(identity: string, clock: VirtualClock, checkpoint?: LeaseCheckpoint) {
  return new LeaderElector({
    checkpoint,
    api: new HttpsKubeApi({ kubeConfig: server.kubeConfig() }),
    clock,
    logger: new MemoryLogger(),
    namespace: 'kspan',
    identity,
    leaseDurationMs: 15_000,
    retryPeriodMs: 2000,
  });
}

/** Two electors on one clock, started in order: `a` leads, `b` follows. */
async function leaderAndFollower() {
  const clock = new VirtualClock();
  const a = elector('a', clock);
  const b = elector('b', clock);
  await a.start();
  await b.start();
  return { clock, a, b };
}

describe('LeaderElector', () => {
  it('lets one replica lead; a leader that stops releases the lease and the other takes over at once', async () => {
    const { clock, a, b } = await leaderAndFollower();
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

describe('LeaderElector endpoint for the hand-over', () => {
  it.each([
    ['a holder cut off (its lease expired): the new leader is told who it was and where it listens', 'cut', 1],
    ['a holder that released the lease: no hand-over', 'released', 0],
  ] as const)('%s', async (_what, how, takeovers) => {
    const clock = new VirtualClock();
    const takeoversSeen: { identity: string; endpoint: string | undefined }[] = [];
    const make = (identity: string, token: string) =>
      new LeaderElector({
        api: new HttpsKubeApi({ kubeConfig: server.kubeConfig(token) }),
        clock,
        logger: new MemoryLogger(),
        namespace: 'kspan',
        identity,
        endpoint: () => `10.0.0.${identity === 'a' ? 1 : 2}:9090`,
        onTakeover: (previous) => takeoversSeen.push(previous),
      });
    const a = make('a', 'ta');
    const b = make('b', 'tb');
    await a.start();
    await b.start();
    if (how === 'cut') server.cutOff.add('ta');
    else await a.stop();
    for (let i = 0; i < 30 && !b.isLeader; i++) await clock.advance(1000);
    expect(b.isLeader).toBe(true);
    expect(takeoversSeen).toEqual(takeovers === 1 ? [{ identity: 'a', endpoint: '10.0.0.1:9090' }] : []);
    const lease = await new HttpsKubeApi({ kubeConfig: server.kubeConfig() }).get<{
      metadata: { annotations?: Record<string, string> };
    }>('/apis/coordination.k8s.io/v1/namespaces/kspan/leases/kspan');
    expect(lease.metadata.annotations?.[ENDPOINT_ANNOTATION]).toBe('10.0.0.2:9090'); // the holder's own
    server.cutOff.clear();
    await b.stop();
    await a.stop();
  });
});

describe('LeaderElector checkpoint and outages', () => {
  const LEASE = '/apis/coordination.k8s.io/v1/namespaces/kspan/leases/kspan';

  it('the leader writes the checkpoint at each renewal and at release; a follower reads it at each attempt', async () => {
    const clock = new VirtualClock();
    let state = 'v1|0|';
    const read: (string | undefined)[] = [];
    const a = elector('a', clock, { read: () => {}, write: () => state });
    const b = elector('b', clock, { read: (v) => read.push(v), write: () => 'never written by a follower' });
    await a.start();
    await b.start();
    state = 'v1|1|AAAAAAAAAAA:3:0';
    await clock.advance(2100);
    expect(read.at(-1)).toBe('v1|1|AAAAAAAAAAA:3:0');
    state = 'v1|2|AAAAAAAAAAA:5:0';
    await a.stop();
    const lease = await new HttpsKubeApi({ kubeConfig: server.kubeConfig() }).get<{
      metadata: { annotations?: Record<string, string> };
    }>(LEASE);
    expect(lease.metadata.annotations?.[CHECKPOINT_ANNOTATION]).toBe('v1|2|AAAAAAAAAAA:5:0');
    await clock.advance(2100);
    expect(b.isLeader).toBe(true);
    expect(read.at(-1)).toBe('v1|2|AAAAAAAAAAA:5:0'); // read before it took over
    await b.stop();
  });

  it('a leader the API fails for 30 s stops leading after the renew deadline (no split brain) and leads again after', async () => {
    const clock = new VirtualClock();
    const changes: boolean[] = [];
    const a = new LeaderElector({
      api: new HttpsKubeApi({ kubeConfig: server.kubeConfig() }),
      clock,
      logger: new MemoryLogger(),
      namespace: 'kspan',
      identity: 'a',
      onChange: (leader) => changes.push(leader),
    });
    await a.start();
    expect(a.isLeader).toBe(true);
    server.failWith = { status: 500 };
    await clock.advance(4000);
    expect(a.mayExport).toBe(true);
    await clock.advance(2000);
    expect(a.mayExport).toBe(false); // it cannot write its checkpoint: what it exported now would be sent twice
    await clock.advance(3000);
    expect(a.isLeader).toBe(true); // within the renew deadline
    await clock.advance(3000);
    expect(a.isLeader).toBe(false); // before the lease (15 s) could expire for another replica
    await clock.advance(18_000);
    server.failWith = undefined;
    await clock.advance(2100);
    expect(a.isLeader).toBe(true);
    expect(a.mayExport).toBe(true);
    expect(changes).toEqual([true, false, true]);
    await a.stop();
  });
});

describe('LeaderElector at shutdown', () => {
  it('a replica that lost its own lease in an API stall takes it back at once before stopping', async () => {
    const clock = new VirtualClock();
    const a = elector('a', clock);
    await a.start();
    server.failWith = { status: 500 };
    await clock.advance(12_000);
    expect(a.isLeader).toBe(false); // stepped down after the renew deadline
    server.failWith = undefined;
    expect(await a.leadBeforeStop()).toBe(true); // its own lease, nobody else took it: no waiting for a retry
    await clock.advance(6000);
    expect(a.isLeader).toBe(true); // it goes on renewing while it flushes
    await a.stop();
  });

  it('a follower leaves a lease that another replica holds and renews', async () => {
    const { a, b } = await leaderAndFollower();
    expect(await b.leadBeforeStop()).toBe(false);
    expect(a.isLeader).toBe(true);
    await a.stop();
    expect(await b.leadBeforeStop()).toBe(true); // released: the follower flushes what it holds itself
    await b.stop();
  });
});

describe('LeaderElector early renewals (the export gate)', () => {
  it('renewSoon writes the checkpoint at once, at most every 200 ms, and says when it was stored', async () => {
    const clock = new VirtualClock();
    let stored = 0;
    let writes = 0;
    const a = elector('a', clock, {
      read: () => {},
      write: () => `v1|${++writes}|`,
      written: () => stored++,
    });
    await a.start();
    expect([writes, stored]).toEqual([1, 1]); // the first attempt created the Lease with the checkpoint
    const renewedAt = a.lastRenewedMs;
    await clock.advance(500, 50);
    a.renewSoon();
    await clock.advance(50, 50);
    expect([writes, stored]).toEqual([2, 2]); // not 2 s later: now
    expect(a.lastRenewedMs).toBeGreaterThan(renewedAt);
    a.renewSoon();
    a.renewSoon();
    await clock.advance(100, 50);
    expect(writes).toBe(2); // rate-limited
    await clock.advance(150, 50);
    expect(writes).toBe(3); // one more, for both requests
    await clock.advance(1500, 50);
    expect(writes).toBe(3); // the periodic renewal counts from the last attempt
    await clock.advance(600, 50);
    expect(writes).toBe(4);
    server.failWith = { status: 500 };
    a.renewSoon();
    await clock.advance(300, 50);
    expect(stored).toBe(4); // the attempt failed: nothing more is stored
    server.failWith = undefined;
    await a.stop();
    expect([writes, stored]).toEqual([5, 5]); // the release stored the last one
  });

  it('writes a large checkpoint early no faster than 64 KiB/s', async () => {
    const clock = new VirtualClock();
    let writes = 0;
    const big = `v1|0|${'x'.repeat(64 * 1024)}`;
    const a = elector('a', clock, { read: () => {}, write: () => (writes++, big) });
    await a.start();
    a.renewSoon();
    await clock.advance(900, 50);
    expect(writes).toBe(1); // 64 KiB at 64 KiB/s: not before 1 s (a small one would go after 200 ms)
    await clock.advance(200, 50);
    expect(writes).toBe(2); // and before the periodic renewal (2 s)
    await a.stop();
  });

  it('a follower ignores renewSoon', async () => {
    const { clock, a, b } = await leaderAndFollower();
    const gets = server.count('get', '/apis/coordination.k8s.io');
    b.renewSoon();
    await clock.advance(300, 50);
    expect(server.count('get', '/apis/coordination.k8s.io')).toBe(gets);
    await a.stop();
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
