import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDurationMs } from '../common/duration.ts';
import { scriptArgsOrExit } from '../common/script-args.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ChaosContext } from './chaos-context.ts';
import { readDeploymentSettings } from './deployment-settings.ts';
import { compareDelivery, expectedSpans, recoverySeconds } from './expected-spans.ts';
import { killAll, THIS_CHECKOUT, type KspanProcess } from './kspan-process.ts';
import { LoopbackKubeServer } from './loopback-kube-server.ts';
import { OtlpReceiver } from './otlp-receiver.ts';
import { formatTable, type ChaosRow } from './results-table.ts';
import { SCENARIOS, type Scenario, type Size } from './scenarios.ts';

const USAGE = {
  name: 'chaos',
  help: `Usage: npm run test:chaos [-- --quick] [--only ID,ID] [--results FILE] [--kspan CHECKOUT]

Runs the real \`kspan run\` process(es), with the Deployment's settings (deploy/deployment.yaml), against a
loopback fake API server and an in-process OTLP/gRPC receiver through each scenario; compares the span IDs
received with an offline replay of the same input log; prints the table (expected, received, duplicates,
lost by cause, peak RSS, time to recover); exits 1 when a row misses its goal.

  --quick            smaller sizes (what .ci/run uses); the default is the full sizes of the issue
  --only ID,ID       run these scenarios only: ${SCENARIOS.map((s) => s.id).join(', ')}
  --results FILE     also write the table to FILE
  --kspan CHECKOUT   run another checkout's kspan (its cli/main.ts and deploy/deployment.yaml), for before/after
  -h, --help         this text`,
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    results: { type: 'string' },
    kspan: { type: 'string' },
  },
} as const;
const opts = scriptArgsOrExit(USAGE);
const argv = process.argv.slice(2);
const size: Size = opts.quick === true ? 'quick' : 'full';
const only = opts.only?.split(',');
const resultsFile = opts.results;
// Another checkout's kspan (e.g. a work in progress): its cli/main.ts and deploy/deployment.yaml.
const checkout = path.resolve(opts.kspan ?? THIS_CHECKOUT);
const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(
    `chaos: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}\n`,
  );
  process.exit(2);
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

const settings = readDeploymentSettings(path.join(checkout, 'deploy', 'deployment.yaml'));
const WINDOW_MS = 5000;

function reportedLosses(processes: readonly KspanProcess[], logs: readonly string[]): string[] {
  const byCause = new Map<string, number>();
  const add = (cause: string, n: number): void => {
    if (n > 0) byCause.set(cause, (byCause.get(cause) ?? 0) + n);
  };
  for (const p of processes) {
    for (const [series, value] of p.lastMetrics) {
      const name = series.split('{')[0] ?? '';
      const reason = /reason="([^"]*)"/.exec(series)?.[1] ?? name;
      if (/^kspan_.*(dropped|lost).*_total$/.test(name)) add(`${reason} (metric)`, value);
      if (name === 'kspan_events_skipped_total' && reason === 'stale') add('stale events skipped (metric)', value);
    }
  }
  // kspan's own account at exit: the summary line of its shutdown (lostSpans by cause), if it wrote one.
  for (const text of logs) {
    for (const line of text.split('\n')) {
      if (!line.includes('"lostSpans"')) continue;
      try {
        const entry = JSON.parse(line) as { lostByCause?: Record<string, unknown> };
        for (const [cause, n] of Object.entries(entry.lostByCause ?? {}))
          if (typeof n === 'number') add(`${cause} (exit log)`, n);
      } catch {
        // not a JSON log line
      }
    }
  }
  return [...byCause].map(([cause, n]) => `${cause} ${n.toLocaleString('en-US')}`);
}

async function runScenario(scenario: Scenario): Promise<ChaosRow> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kspan-chaos-${scenario.id}-`));
  const server = new LoopbackKubeServer();
  const receiver = new OtlpReceiver();
  const abort = new AbortController();
  const failures: string[] = [];
  const started = performance.now();
  // The machine is shared: say how loaded it was and how late the harness's own servers answered.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const loads: number[] = [];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0] ?? 0), 5000);
  let ctx: ChaosContext | undefined;
  try {
    await server.listen();
    await receiver.start();
    ctx = new ChaosContext({
      server,
      receiver,
      settings,
      dir,
      unit: scenario.unit,
      extraArgs: scenario.idle === undefined ? [] : [`--idle=${scenario.idle[size]}`],
      signal: abort.signal,
      checkout,
    });
    const timer = setTimeout(() => abort.abort(), scenario.timeoutMs(size));
    try {
      await scenario.run(ctx, size);
    } catch (err) {
      failures.push(`harness: ${(err as Error).message}`);
    }
    clearTimeout(timer);
    const idleMs = scenario.idle === undefined ? 300_000 : parseDurationMs(scenario.idle[size], '--idle');
    const expected = expectedSpans(ctx.workload.records, { windowMs: WINDOW_MS, idleMs });
    const complete = (): boolean => compareDelivery(expected, receiver.counts, receiver.traceOf).lost === 0;
    let drained = complete();
    const settle = scenario.settleMs(size);
    if (settle > 0 && !drained) {
      const deadline = performance.now() + settle;
      while (!drained && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        drained = complete();
      }
    }
    if (scenario.mustDrain === true && !drained)
      failures.push(`backlog not drained ${(settle / 1000).toFixed(0)} s after the stream`);
    await Promise.all(ctx.processes.map((p) => p.terminate(settings.terminationGraceMs)));
    await new Promise((r) => setTimeout(r, 500));
    for (const p of ctx.processes) await p.closeLog();
    const delivery = compareDelivery(expected, receiver.counts, receiver.traceOf);
    if (delivery.lost > 0) failures.push(`${delivery.lost} lost`);
    if (delivery.duplicates > 0 && scenario.duplicatesAllowed !== true)
      failures.push(`${delivery.duplicates} duplicates`);
    if (delivery.unexpected > 0) failures.push(`${delivery.unexpected} unexpected`);
    const peakRssMiB = Math.max(0, ...ctx.processes.map((p) => p.peakRssBytes / 2 ** 20));
    if (scenario.peakRssGoalMiB !== undefined && peakRssMiB > scenario.peakRssGoalMiB)
      failures.push(`peak RSS > ${scenario.peakRssGoalMiB} MiB`);
    if (expected.size === 0) failures.push('the replay expects no spans: the workload wrote nothing');
    const logs = ctx.processes.map((p) => fs.readFileSync(path.join(dir, `${p.name}.log`), 'utf8'));
    const recoverSeconds =
      delivery.lost > 0
        ? undefined
        : (ctx.flushSeconds ??
          (ctx.faultEndAt === undefined ? undefined : recoverySeconds(expected, receiver.arrivals, ctx.faultEndAt)));
    const goal = scenario.recoverGoalSeconds;
    if (goal !== undefined && recoverSeconds !== undefined && recoverSeconds > goal)
      failures.push(`recovery > ${goal} s`);
    const notes = [...ctx.notes];
    // Which path the stop took (timing decides it when two replicas stop at once).
    for (const [i, log] of logs.entries())
      if (log.includes('leading again: flushing what it holds before stopping'))
        notes.push(`${ctx.processes[i]?.name} led again at its stop`);
    if (failures.length > 0) notes.push(`logs in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
    notes.push(`row took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const meanLoad = loads.length === 0 ? (os.loadavg()[0] ?? 0) : loads.reduce((a, b) => a + b, 0) / loads.length;
    notes.push(
      `load average ${meanLoad.toFixed(1)} on ${os.cpus().length} cores, harness event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms`,
    );
    return {
      id: scenario.id,
      title: scenario.title(size),
      delivery,
      reportedLosses: reportedLosses(ctx.processes, logs),
      peakRssMiB,
      recoverSeconds,
      failures,
      notes,
    };
  } catch (err) {
    return {
      id: scenario.id,
      title: scenario.title(size),
      delivery: undefined,
      reportedLosses: [],
      peakRssMiB: 0,
      recoverSeconds: undefined,
      failures: [...failures, `harness: ${(err as Error).message}`],
      notes: [...(ctx?.notes ?? []), `logs in ${dir}`],
    };
  } finally {
    loopDelay.disable();
    clearInterval(loadTimer);
    killAll();
    await receiver.stop();
    await server.close();
  }
}

const rows: ChaosRow[] = [];
const shown = argv.filter((a, i) => a !== '--results' && argv[i - 1] !== '--results');
const command = `npm run test:chaos${shown.length > 0 ? ` -- ${shown.join(' ')}` : ''}`;
const suiteStarted = performance.now();
for (const scenario of SCENARIOS) {
  if (only !== undefined && !only.includes(scenario.id)) continue;
  process.stderr.write(`chaos: ${scenario.id} …\n`);
  const row = await runScenario(scenario);
  rows.push(row);
  process.stderr.write(
    `chaos: ${scenario.id}: ${row.failures.length === 0 ? 'met' : `missed (${row.failures.join('; ')})`}\n`,
  );
}
const table = formatTable(rows);
const failed = rows.filter((r) => r.failures.length > 0).length;
const minutes = ((performance.now() - suiteStarted) / 60_000).toFixed(1);
process.stdout.write(`${table}\n\n`);
if (resultsFile !== undefined) {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  fs.writeFileSync(
    resultsFile,
    `# Chaos suite results\n\n${when} UTC, ${os.cpus().length} cores, ${minutes} min:\n\n\`\`\`\n${command}\n\`\`\`\n\n${table}\n\nchaos: ${rows.length - failed} passed, ${failed} failed\n`,
  );
}
process.stdout.write(`chaos: ${rows.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
