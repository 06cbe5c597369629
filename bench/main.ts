import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { floodLog, simulatorLog, type BenchLog } from './bench-logs.ts';
import { runNode, type ChildResult } from './child-run.ts';
import { median } from './median.ts';
import { scriptArgsOrExit } from '../common/script-args.ts';

const USAGE = {
  name: 'bench',
  help: `Usage: npm run bench [-- --sizes N,N --flood N --capture N,N --formats F,F --repeats N --startup N]

Replay benchmark. For each generated log it runs, in alternating rounds so that load changes hit every
measurement alike: the parse-only limit of that very file, the core alone, and the real \`kspan replay\`
(the installed CLI, spawned) per output format, each in its own process, timed from spawn to exit, peak RSS
and CPU time (user + system) from /usr/bin/time. Prints a table and, last, one JSON line with the rates, their
ratios to the parse-only rate, peak RSS, CPU time and the machine's load. Logs are generated once and cached in ~/.cache/kspan-bench.

  --sizes N,N       simulator logs of N events (default 10000,100000,1000000)
  --flood N         a unique-UID flood of N events, 0 for none (default 1000000)
  --flood-rate N    the flood's events per second (default 1000)
  --capture N,N     Go kspan capture files (multi-document YAML) of N events (default 10000,100000)
  --formats F,F     replay outputs to time (default tree,otlp-json)
  --repeats N       rounds per log (default 3, 1 at 1M events and more)
  --startup N       start-up rounds (default 10)
  -h, --help        this text`,
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    flood: { type: 'string', default: '1000000' },
    'flood-rate': { type: 'string', default: '1000' },
    capture: { type: 'string', default: '10000,100000' },
    formats: { type: 'string', default: 'tree,otlp-json' },
    repeats: { type: 'string' },
    startup: { type: 'string', default: '10' },
  },
} as const;
const opts = scriptArgsOrExit(USAGE);
// The machine's 1-minute load when the bench starts and ends: how quiet the run was (a loaded machine slows all).
const loadAtStart = loadavg()[0] as number;

const list = (s: string): number[] =>
  s
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
// The installed entry point (`npx kspan`), as users start it.
const CLI = join(import.meta.dirname, '..', 'bin', 'kspan.js');
const HERE = import.meta.dirname;
const formats = opts.formats.split(',').filter((f) => f !== '');
const repeatsFor = (events: number): number =>
  opts.repeats !== undefined ? Number(opts.repeats) : events >= 1_000_000 ? 1 : 3;
const MiB = 1048576;

interface Measured {
  seconds: number;
  eventsPerSecond: number;
  /** Median over rounds of (parse-only seconds / this seconds) in the same round; 1 for parse-only itself. */
  ratioToParse: number;
  peakRssMiB: number | undefined;
  /** Median CPU seconds (user + system) of the rounds, when /usr/bin/time measured them. */
  cpuSeconds: number | undefined;
}

function summarize(events: number, runs: ChildResult[], parse: ChildResult[] | undefined): Measured {
  const peaks = runs.map((r) => r.peakRssBytes).filter((b): b is number => b !== undefined);
  const cpu = runs.map((r) => r.cpuSeconds).filter((c): c is number => c !== undefined);
  return {
    seconds: round(median(runs.map((r) => r.seconds)), 3),
    eventsPerSecond: Math.round(events / median(runs.map((r) => r.seconds))),
    ratioToParse:
      parse === undefined ? 1 : round(median(runs.map((r, i) => (parse[i] as ChildResult).seconds / r.seconds)), 3),
    peakRssMiB: peaks.length === 0 ? undefined : Math.round(Math.max(...peaks) / MiB),
    cpuSeconds: cpu.length === 0 ? undefined : round(median(cpu), 2),
  };
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function benchLog(label: string, log: BenchLog): Record<string, unknown> {
  const parseRuns: ChildResult[] = [];
  const coreRuns: { eventsPerSecond: number; peak: number | undefined }[] = [];
  const e2e = new Map<string, ChildResult[]>(formats.map((f) => [f, []]));
  let info = { records: 0, events: 0 };
  let spans = 0;
  const repeats = repeatsFor(Number(/\d+/.exec(label.replace(/k\b/, '000').replace(/M\b/, '000000'))?.[0] ?? 0));
  for (let round = 0; round < repeats; round++) {
    const parse = runNode([join(HERE, 'parse-only.ts'), log.path, log.format]);
    parseRuns.push(parse);
    info = JSON.parse(parse.stdout) as typeof info;
    if (log.format === 'ndjson') {
      const core = runNode([join(HERE, 'core-only.ts'), log.path]);
      const c = JSON.parse(core.stdout) as { events: number; spans: number; coreSeconds: number };
      spans = c.spans;
      coreRuns.push({ eventsPerSecond: c.events / c.coreSeconds, peak: core.peakRssBytes });
    }
    for (const f of formats) {
      const r = runNode([CLI, 'replay', log.path, '--output', f], { discardStdout: true });
      e2e.get(f)?.push(r);
      process.stderr.write(`  ${label} round ${round + 1}/${repeats} ${f}: ${r.seconds.toFixed(2)} s\n`);
    }
  }
  const out: Record<string, unknown> = {
    events: info.events,
    records: info.records,
    megabytes: Math.round(statSync(log.path).size / 1e6),
    ...(spans > 0 ? { spans } : {}),
    runs: repeats,
    parseOnly: {
      ...summarize(info.events, parseRuns, undefined),
      recordsPerSecond: Math.round(info.records / median(parseRuns.map((r) => r.seconds))),
    },
  };
  if (coreRuns.length > 0) {
    const peaks = coreRuns.map((c) => c.peak).filter((b): b is number => b !== undefined);
    out.core = {
      eventsPerSecond: Math.round(median(coreRuns.map((c) => c.eventsPerSecond))),
      peakRssMiB: peaks.length === 0 ? undefined : Math.round(Math.max(...peaks) / MiB),
    };
  }
  for (const [f, runs] of e2e) out[f] = summarize(info.events, runs, parseRuns);
  return out;
}

function startup(n: number, small: string): Record<string, number> {
  const samples = { node: [] as number[], help: [] as number[], replaySmall: [] as number[] };
  for (let i = 0; i < n; i++) {
    samples.node.push(runNode(['-e', '0']).seconds);
    samples.help.push(runNode([CLI, '--help']).seconds);
    samples.replaySmall.push(runNode([CLI, 'replay', small], { discardStdout: true }).seconds);
  }
  const node = median(samples.node);
  return {
    nodeSeconds: round(node, 3),
    helpOverheadSeconds: round(median(samples.help) - node, 3),
    replaySmallOverheadSeconds: round(median(samples.replaySmall) - node, 3),
  };
}

const logs: [string, BenchLog][] = [];
const short = (n: number): string =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
for (const n of list(opts.sizes)) logs.push([short(n), simulatorLog(n, 'ndjson')]);
for (const n of list(opts.flood)) logs.push([`flood-${short(n)}`, floodLog(n, Number(opts['flood-rate']))]);
for (const n of list(opts.capture)) logs.push([`capture-${short(n)}`, simulatorLog(n, 'capture')]);

const results: Record<string, Record<string, unknown>> = {};
for (const [label, log] of logs) results[label] = benchLog(label, log);
const startupRuns = Number(opts.startup);
const start =
  startupRuns > 0
    ? startup(startupRuns, join(import.meta.dirname, '..', 'scenarios', 'deployment-create', 'input.ndjson'))
    : undefined;

const pad = (s: string, n: number): string => s.padStart(n);
const cell = (m: Measured | undefined): string =>
  m === undefined
    ? '-'
    : `${m.eventsPerSecond} (${m.ratioToParse.toFixed(2)}×) ${m.peakRssMiB ?? '?'} MiB ${m.cpuSeconds ?? '?'} s CPU`;
const header = [
  'log',
  'events',
  'MB',
  'parse-only ev/s',
  'core ev/s',
  ...formats.map((f) => `replay ${f} ev/s (×parse) RSS CPU`),
];
const rows = Object.entries(results).map(([label, r]) => [
  label,
  String(r.events),
  String(r.megabytes),
  `${(r.parseOnly as Measured).eventsPerSecond} ${(r.parseOnly as Measured).peakRssMiB ?? '?'} MiB`,
  r.core === undefined ? '-' : `${(r.core as { eventsPerSecond: number }).eventsPerSecond}`,
  ...formats.map((f) => cell(r[f] as Measured | undefined)),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
for (const row of [header, ...rows])
  process.stdout.write(`${row.map((c, i) => pad(c, widths[i] as number)).join('  ')}\n`);
if (start !== undefined)
  process.stdout.write(
    `start-up beyond \`node -e 0\` (${start.nodeSeconds} s): --help +${start.helpOverheadSeconds} s, replay of a small log +${start.replaySmallOverheadSeconds} s\n`,
  );
const machine = {
  cpus: availableParallelism(),
  loadAverage1m: { start: round(loadAtStart, 2), end: round(loadavg()[0] as number, 2) },
};
process.stdout.write(
  `load average (1 min) ${machine.loadAverage1m.start} at the start, ${machine.loadAverage1m.end} at the end, ${machine.cpus} CPUs\n`,
);
process.stdout.write(
  `${JSON.stringify({ benchmark: 'kspan-replay', node: process.version, command: `node bench/main.ts ${process.argv.slice(2).join(' ')}`.trim(), logs: results, startup: start, machine })}\n`,
);
