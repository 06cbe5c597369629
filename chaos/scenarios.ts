import type { ChaosContext } from './chaos-context.ts';
import type { KspanProcess } from './kspan-process.ts';
import type { UnitKind } from './workload.ts';

/** Full sizes (the closing-note table) or `--quick` sizes (CI). */
export type Size = 'full' | 'quick';

/** One row of the chaos table. */
export interface Scenario {
  readonly id: string;
  readonly title: (size: Size) => string;
  readonly unit: UnitKind;
  /** `--idle` added to the Deployment's flags (so that traces finish during the row); undefined keeps the default (5 min). */
  readonly idle?: Readonly<Record<Size, string>>;
  /** kill -9: the goal is 0 lost; a crashed process cannot know what it had sent, so repeats are allowed. */
  readonly duplicatesAllowed?: boolean;
  readonly peakRssGoalMiB?: number;
  /** Goal on the time to recover, in seconds. */
  readonly recoverGoalSeconds?: number;
  /** After `run`, wait up to this long for every expected span before the final SIGTERM (0: do not wait). */
  readonly settleMs: (size: Size) => number;
  /** Every expected span must have arrived before the final SIGTERM (a backlog that drains on its own). */
  readonly mustDrain?: boolean;
  /** Bound on the whole row. */
  readonly timeoutMs: (size: Size) => number;
  run(ctx: ChaosContext, size: Size): Promise<void>;
}

/** Traces finish 10 s after their last event (5 s in --quick), so that rows see spans exported during the fault. */
const IDLE = { full: '10s', quick: '5s' } as const;

const pick = <T>(size: Size, full: T, quick: T): T => (size === 'full' ? full : quick);
const k = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));

/** Starts the first replica and waits until it is ready and leads (bounded; a miss is noted, not fatal). */
async function startLeader(ctx: ChaosContext, name = 'kspan-a'): Promise<KspanProcess> {
  const p = await ctx.start(name);
  try {
    await p.waitFor('/readyz', 60_000);
  } catch (err) {
    ctx.notes.push(`${name}: ${(err as Error).message}`);
  }
  if (!(await ctx.until(() => p.metric('kspan_is_leader') === 1, 30_000)))
    ctx.notes.push(`${name} did not report kspan_is_leader 1 within 30 s`);
  return p;
}

/**
 * SIGTERMs the leader as the kubelet does, then starts the Deployment's new pod (maxSurge 0: after the old one
 * stopped) and waits until it is ready and has fed the re-listed Events: what the old one could not send within its
 * grace period must reach the collector through the new one (the row's final SIGTERM flushes it), so the row counts
 * loss across the restart.
 */
async function terminateAndReplace(ctx: ChaosContext, old: KspanProcess, timeoutMs: number): Promise<void> {
  await ctx.terminate(old);
  const next = await ctx.start('kspan-b');
  await ctx.untilCaughtUp(next, timeoutMs);
}

/** Streams `total` events at `perSecond` and runs `fault(elapsedMs)` at its start time; resolves when both are done. */
async function streamWithFault(
  ctx: ChaosContext,
  total: number,
  perSecond: number,
  faultAtMs: number,
  fault: () => Promise<void>,
): Promise<void> {
  const writing = ctx.workload.write(total, perSecond);
  await ctx.sleep(faultAtMs);
  await fault();
  await writing;
}

/** The workload of a steady stream: `perSecond` events for `seconds`. */
interface Stream {
  readonly perSecond: number;
  readonly seconds: number;
  readonly faultAt: number;
  readonly faultFor: number;
}

function streamTitle(s: Stream): string {
  return `${s.perSecond} ev/s for ${s.seconds} s`;
}

const apiOutage = (
  id: string,
  label: (s: Stream) => string,
  sizes: { full: Stream; quick: Stream },
  answer: (s: Stream) => { status: number; headers?: Record<string, string>; message: string },
): Scenario => ({
  id,
  title: (size) => {
    const s = pick(size, sizes.full, sizes.quick);
    return `${label(s)} (${streamTitle(s)}, 1 replica, leader election on)`;
  },
  unit: 'rollout',
  idle: IDLE,
  recoverGoalSeconds: 10,
  settleMs: () => 60_000,
  timeoutMs: (size) => pick(size, 300_000, 120_000),
  async run(ctx, size) {
    const s = pick(size, sizes.full, sizes.quick);
    await startLeader(ctx);
    await streamWithFault(ctx, s.perSecond * s.seconds, s.perSecond, s.faultAt * 1000, async () => {
      const reply = answer(s);
      const rule = () => reply;
      ctx.server.faults.push(rule);
      ctx.server.breakWatches();
      await ctx.sleep(s.faultFor * 1000);
      ctx.server.faults.splice(ctx.server.faults.indexOf(rule), 1);
      ctx.faultEnded();
      ctx.notes.push(`answered ${reply.status} to ${ctx.server.faulted.get(String(reply.status)) ?? 0} requests`);
    });
  },
});

const collectorOutage = (
  id: string,
  mode: 'down' | 'unavailable',
  label: string,
  sizes: { full: Stream; quick: Stream },
): Scenario => ({
  id,
  title: (size) => {
    const s = pick(size, sizes.full, sizes.quick);
    return `${label} ${s.faultFor} s (${streamTitle(s)})`;
  },
  unit: 'rollout',
  idle: IDLE,
  recoverGoalSeconds: 10,
  settleMs: () => 90_000,
  timeoutMs: (size) => pick(size, 360_000, 120_000),
  async run(ctx, size) {
    const s = pick(size, sizes.full, sizes.quick);
    await startLeader(ctx);
    await streamWithFault(ctx, s.perSecond * s.seconds, s.perSecond, s.faultAt * 1000, async () => {
      await ctx.receiver.setMode(mode);
      await ctx.sleep(s.faultFor * 1000);
      await ctx.receiver.setMode('ok');
      ctx.faultEnded();
    });
  },
});

/**
 * Every 5th rollout's first Pod `Started` Event is held back, then written late with its original time (its trace
 * was emitted already); `after` is the fault that follows 1.5 s later, while the late Events join their traces.
 */
const lateEventRow = (row: {
  id: string;
  fault: string;
  duplicatesAllowed?: boolean;
  after: (ctx: ChaosContext, a: KspanProcess) => Promise<void>;
}): Scenario => ({
  id: row.id,
  title: (size) =>
    `late Events (every 5th rollout's first Pod Started, up to ${pick(size, '30', '12')} s late), ${row.fault} (${pick(size, '100 ev/s for 60 s', '100 ev/s for 25 s')})`,
  unit: 'rollout',
  idle: IDLE,
  ...(row.duplicatesAllowed === true ? { duplicatesAllowed: true } : {}),
  settleMs: () => 90_000,
  timeoutMs: (size) => pick(size, 300_000, 150_000),
  async run(ctx, size) {
    const [perSecond, seconds, lateAt] = pick(size, [100, 60, 30], [100, 25, 12]);
    ctx.workload.holdBackEvery = 5;
    const a = await startLeader(ctx);
    await streamWithFault(ctx, perSecond * seconds, perSecond, lateAt * 1000, async () => {
      ctx.workload.holdBackEvery = 0;
      ctx.notes.push(`${ctx.workload.writeLate()} Events written late (their traces emitted already)`);
      await row.after(ctx, a);
    });
  },
});

/**
 * Two replicas; the leader (kspan-a) is cut off from the API, kspan-b takes the Lease over and asks kspan-a for its
 * ledger; the cut ends with the stream. `after` runs then (how the replicas stop): the old leader must send nothing
 * the new one sent, whichever of them leads at the end.
 */
const leaderFailoverRow = (row: {
  id: string;
  stop: string;
  after?: (ctx: ChaosContext, a: KspanProcess, b: KspanProcess) => Promise<void>;
}): Scenario => ({
  id: row.id,
  title: (size) =>
    `leader failover: 2 replicas, the leader cut off from the API, ${row.stop} (${pick(size, '100 ev/s for 60 s', '100 ev/s for 25 s')}; recovery counted from the cut)`,
  unit: 'rollout',
  idle: IDLE,
  settleMs: () => 90_000,
  timeoutMs: (size) => pick(size, 300_000, 150_000),
  async run(ctx, size) {
    const [perSecond, seconds, cutAt] = pick(size, [100, 60, 20], [100, 25, 5]);
    const a = await startLeader(ctx, 'kspan-a');
    const b = await ctx.start('kspan-b');
    const writing = ctx.workload.write(perSecond * seconds, perSecond);
    await ctx.sleep(cutAt * 1000);
    const cut = () => ({ reset: true as const });
    const rule = (r: { client: string }) => (r.client === 'kspan-a' ? cut() : undefined);
    ctx.server.faults.push(rule);
    ctx.server.breakWatches('kspan-a');
    ctx.faultEnded();
    const cutAtMs = performance.now();
    if (await ctx.until(() => b.metric('kspan_is_leader') === 1, 60_000))
      ctx.notes.push(`kspan-b led ${((performance.now() - cutAtMs) / 1000).toFixed(0)} s after the cut`);
    else ctx.notes.push('kspan-b never became the leader');
    await writing;
    ctx.server.faults.splice(ctx.server.faults.indexOf(rule), 1);
    ctx.notes.push(`kspan-a's requests reset: ${ctx.server.faulted.get('reset') ?? 0}`);
    const handedOver = b.metric('kspan_leader_handovers_total', 'outcome="ledger"') ?? 0;
    ctx.notes.push(handedOver > 0 ? 'kspan-a handed its ledger over' : 'no hand-over: the Lease checkpoint alone');
    await row.after?.(ctx, a, b);
  },
});

/** The eleven rows of issue 9, then leader failover (two ways of stopping). */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'sigterm-after-100k',
    title: (size) =>
      `SIGTERM after ${k(pick(size, 100_000, 10_000))} events (default 5 min idle), then the Deployment's new pod`,
    unit: 'rollout',
    settleMs: () => 0,
    timeoutMs: (size) => pick(size, 420_000, 120_000),
    async run(ctx, size) {
      const n = pick(size, 100_000, 10_000);
      const a = await startLeader(ctx);
      await ctx.workload.write(n);
      await ctx.untilEventsReceived(a, n, pick(size, 300_000, 60_000));
      await terminateAndReplace(ctx, a, pick(size, 180_000, 60_000));
    },
  },
  {
    id: 'sigterm-mid-stream',
    title: (size) =>
      `SIGTERM mid-stream, ${k(pick(size, 10_000, 3000))} events (a rolling update, as the Deployment's strategy does it)`,
    unit: 'rollout',
    settleMs: () => 0,
    timeoutMs: (size) => pick(size, 180_000, 120_000),
    async run(ctx, size) {
      const n = pick(size, 10_000, 3000);
      const a = await startLeader(ctx);
      const writing = ctx.workload.write(n, pick(size, 500, 150));
      await ctx.until(() => ctx.workload.eventsWritten >= n * 0.3, 60_000);
      if (ctx.settings.surge) {
        // maxSurge: the new pod starts first; the old one is stopped once the new one is ready.
        const b = await ctx.start('kspan-b');
        try {
          await b.waitFor('/readyz', 10_000);
        } catch (err) {
          ctx.notes.push(`new replica: ${(err as Error).message}; old one terminated anyway`);
        }
        ctx.notes.push(`old replica got SIGTERM after ${ctx.workload.eventsWritten} of ${n} events`);
        await ctx.terminate(a, 'old replica');
      } else {
        // maxSurge 0: the old pod is stopped first, then the new one starts.
        ctx.notes.push(`old replica got SIGTERM after ${ctx.workload.eventsWritten} of ${n} events`);
        await ctx.terminate(a, 'old replica');
        await ctx.start('kspan-b');
      }
      await writing;
      await ctx.sleep(3000);
      await ctx.untilCaughtUp(ctx.processes[1]!, 60_000);
    },
  },
  {
    id: 'sigterm-lookup-backlog',
    title: () => 'SIGTERM with a backlog of 150 events waiting for object lookups (200 ms GETs)',
    unit: 'claim',
    settleMs: () => 0,
    timeoutMs: () => 120_000,
    async run(ctx) {
      ctx.server.faults.push((r) =>
        r.method === 'GET' && !r.watch && r.path.includes('/persistentvolumeclaims/') ? { delayMs: 200 } : undefined,
      );
      const a = await startLeader(ctx);
      await ctx.workload.write(150);
      await ctx.sleep(500);
      await a.scrape();
      const backlog = a.metric('kspan_intake_events');
      ctx.notes.push(
        backlog === undefined
          ? `SIGTERM with ${150 - (a.metric('kspan_events_received_total') ?? 0)} events not yet counted`
          : `SIGTERM with ${backlog} events delivered but not yet fed (kspan_intake_events)`,
      );
      await ctx.terminate(a);
    },
  },
  {
    id: 'fast-50k',
    title: (size) => `${k(pick(size, 50_000, 5000))} events as fast as the watch delivers, healthy collector`,
    unit: 'rollout',
    idle: IDLE,
    settleMs: (size) => pick(size, 180_000, 60_000),
    timeoutMs: (size) => pick(size, 360_000, 120_000),
    async run(ctx, size) {
      await startLeader(ctx);
      await ctx.workload.write(pick(size, 50_000, 5000));
      ctx.faultEnded();
    },
  },
  {
    id: 'burst-50k-pods',
    title: (size) => `burst of ${k(pick(size, 50_000, 10_000))} new Pods (default 5 min idle, then SIGTERM)`,
    unit: 'pod',
    peakRssGoalMiB: 384,
    settleMs: () => 0,
    timeoutMs: (size) => pick(size, 420_000, 120_000),
    async run(ctx, size) {
      const n = pick(size, 50_000, 10_000);
      const a = await startLeader(ctx);
      await ctx.workload.write(n);
      await ctx.untilEventsReceived(a, n, pick(size, 300_000, 60_000));
      // No replacement here: one pod's trace each, 50k traces are beyond what the checkpoint keeps (8,192), so a
      // new pod would send most of them again; this row is about the burst's memory and one process's flush.
      await ctx.terminate(a);
    },
  },
  apiOutage(
    'api-500',
    (s) => `API answers HTTP 500 for ${s.faultFor} s`,
    {
      full: { perSecond: 160, seconds: 100, faultAt: 30, faultFor: 30 },
      quick: { perSecond: 100, seconds: 20, faultAt: 3, faultFor: 15 },
    },
    () => ({ status: 500, message: 'chaos: etcdserver: request timed out' }),
  ),
  apiOutage(
    'api-429',
    (s) => `HTTP 429 with Retry-After ${s.faultFor / 2} s for ${s.faultFor} s`,
    {
      full: { perSecond: 160, seconds: 100, faultAt: 30, faultFor: 20 },
      quick: { perSecond: 100, seconds: 17, faultAt: 3, faultFor: 12 },
    },
    (s) => ({
      status: 429,
      headers: { 'retry-after': String(s.faultFor / 2) },
      message: 'chaos: the server is currently unable to handle the request',
    }),
  ),
  collectorOutage('otlp-down', 'down', 'OTLP collector down', {
    full: { perSecond: 200, seconds: 120, faultAt: 30, faultFor: 60 },
    quick: { perSecond: 100, seconds: 20, faultAt: 3, faultFor: 15 },
  }),
  collectorOutage('otlp-unavailable', 'unavailable', 'OTLP UNAVAILABLE', {
    full: { perSecond: 100, seconds: 100, faultAt: 20, faultFor: 60 },
    quick: { perSecond: 60, seconds: 20, faultAt: 3, faultFor: 15 },
  }),
  {
    id: 'kill-9-restart',
    title: (size) => `kill -9, restart 8 s later (${pick(size, '200 ev/s for 80 s', '100 ev/s for 25 s')})`,
    unit: 'rollout',
    idle: IDLE,
    duplicatesAllowed: true,
    settleMs: () => 90_000,
    timeoutMs: (size) => pick(size, 300_000, 120_000),
    async run(ctx, size) {
      const [perSecond, seconds, killAt] = pick(size, [200, 80, 40], [100, 25, 8]);
      const a = await startLeader(ctx);
      await streamWithFault(ctx, perSecond * seconds, perSecond, killAt * 1000, async () => {
        await a.kill();
        await ctx.sleep(8000);
        ctx.faultEnded();
        await ctx.start('kspan-a'); // the kubelet restarts the container in the same pod: same POD_NAME
      });
    },
  },
  lateEventRow({
    id: 'late-event-kill-9',
    fault: 'kill -9 1.5 s after, restart 8 s later',
    duplicatesAllowed: true,
    async after(ctx, a) {
      await ctx.sleep(1500); // delivered: waiting in kspan-a's window, or placed and joining their traces
      await a.kill();
      await ctx.sleep(8000);
      ctx.faultEnded();
      await ctx.start('kspan-a');
    },
  }),
  lateEventRow({
    id: 'late-event-sigterm',
    fault: 'SIGTERM 1.5 s after, the new pod takes over',
    async after(ctx, a) {
      await ctx.sleep(1500);
      ctx.faultEnded();
      await terminateAndReplace(ctx, a, 60_000);
    },
  }),
  {
    id: 'cache-miss-20ms',
    title: (size) =>
      `cache miss costing one 20 ms GET per event (${pick(size, '100 ev/s for 60 s', '100 ev/s for 10 s')})`,
    unit: 'claim',
    idle: IDLE,
    mustDrain: true,
    settleMs: (size) => pick(size, 120_000, 40_000),
    timeoutMs: (size) => pick(size, 300_000, 120_000),
    async run(ctx, size) {
      ctx.server.faults.push((r) =>
        r.method === 'GET' && !r.watch && r.path.includes('/persistentvolumeclaims/') ? { delayMs: 20 } : undefined,
      );
      const a = await startLeader(ctx);
      const [perSecond, seconds] = pick(size, [100, 60], [100, 10]);
      await ctx.workload.write(perSecond * seconds, perSecond);
      ctx.faultEnded();
      ctx.notes.push(
        `at the end of the stream kspan had counted ${a.metric('kspan_events_received_total') ?? 0} of ${perSecond * seconds} events`,
      );
    },
  },
  leaderFailoverRow({ id: 'leader-failover', stop: 'the two replicas stopped together' }),
  leaderFailoverRow({
    id: 'leader-failover-release',
    stop: 'the new leader stopped first: the old one leads again',
    async after(ctx, a, b) {
      await b.terminate(ctx.settings.terminationGraceMs);
      if (await ctx.until(() => a.metric('kspan_is_leader') === 1, 30_000))
        ctx.notes.push('kspan-a led again after kspan-b released the Lease');
      else ctx.notes.push('kspan-a did not lead again within 30 s of kspan-b’s release');
    },
  }),
];
