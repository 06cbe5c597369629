import { closeSync, existsSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine } from '../core/engine.ts';
import type { InputRecord } from '../core/input-record.ts';
import { recordStream } from './record-stream.ts';

/**
 * Throughput benchmark: `npm run bench`. Sizes override: `node simulator/bench.ts 10000 100000`;
 * `--repeats N` sets the runs per size. Progress (records/s per slice, RSS) goes to stderr.
 */
const args = process.argv.slice(2);
const repeatsAt = args.indexOf('--repeats');
const REPEAT_OVERRIDE = repeatsAt >= 0 ? Number(args[repeatsAt + 1]) : undefined;
const SIZES = args
  .filter((a, i) => i !== repeatsAt + 1 || repeatsAt < 0)
  .map(Number)
  .filter((n) => n > 0);
const sizes = SIZES.length > 0 ? SIZES : [10_000, 100_000, 1_000_000];
const REPEATS: Record<number, number> = { 10_000: 5, 100_000: 3, 1_000_000: 3 };
const SEED = 7;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Writes the log once, outside the timed part (streamed: the 1M log is never held in memory). */
function ensureLog(events: number): string {
  const path = join(tmpdir(), `kspan-bench-${SEED}-${events}.ndjson`);
  if (existsSync(path)) return path;
  const started = performance.now();
  const fd = openSync(`${path}.tmp`, 'w');
  let buf = '';
  for (const r of recordStream({ events, seed: SEED })) {
    buf += `${JSON.stringify(r)}\n`;
    if (buf.length > 1 << 22) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  renameSync(`${path}.tmp`, path);
  process.stderr.write(
    `generated ${events} events in ${((performance.now() - started) / 1000).toFixed(1)} s → ${path}\n`,
  );
  return path;
}

/** Streams an NDJSON file record by record (4 MiB reads). */
function* readLog(path: string): Generator<InputRecord> {
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(1 << 22);
  let rest = '';
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    const lines = (rest + chunk.toString('utf8', 0, n)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line !== '') yield JSON.parse(line) as InputRecord;
  }
  if (rest !== '') yield JSON.parse(rest) as InputRecord;
  closeSync(fd);
}

interface RunResult {
  /** Wall time of the whole replay: reading and JSON-parsing the log, and the engine. */
  readonly seconds: number;
  /** Time spent inside the engine alone (push and close). */
  readonly engineSeconds: number;
  readonly events: number;
  readonly spans: number;
  readonly peakRssBytes: number;
  readonly rssGrowthBytes: number;
  readonly rssAtHalfBytes: number;
}

function run(path: string): RunResult {
  gc();
  const baseline = process.memoryUsage().rss;
  let spans = 0;
  let events = 0;
  let peak = baseline;
  const engine = new Engine({ windowMs: 5000, sink: { emit: () => void spans++ } });
  const started = performance.now();
  let slice = started;
  let records = 0;
  let inEngine = 0;
  for (const r of readLog(path)) {
    const t0 = performance.now();
    engine.push(r);
    inEngine += performance.now() - t0;
    if (r.type === 'event') events++;
    if (++records % 5000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    if (events > 0 && events % 100_000 === 0 && r.type === 'event') {
      const now = performance.now();
      process.stderr.write(
        `  ${events} events: ${Math.round(100_000 / ((now - slice) / 1000))} events/s in the last 100k, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB, ${JSON.stringify(engine.stats())}\n`,
      );
      slice = now;
    }
  }
  const half = process.memoryUsage().rss;
  const t0 = performance.now();
  engine.close();
  inEngine += performance.now() - t0;
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    seconds,
    engineSeconds: inEngine / 1000,
    events,
    spans,
    peakRssBytes: peak,
    rssGrowthBytes: peak - baseline,
    rssAtHalfBytes: half,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
const results: Record<string, unknown> = {};
for (const size of sizes) {
  const path = ensureLog(size);
  const runs: RunResult[] = [];
  for (let i = 0; i < (REPEAT_OVERRIDE ?? REPEATS[size] ?? 3); i++) runs.push(run(path));
  // The core's own rate (log reading and JSON parsing excluded), and the end-to-end replay rate.
  const eventsPerSecond = Math.round(median(runs.map((r) => r.events / r.engineSeconds)));
  const spansPerSecond = Math.round(median(runs.map((r) => r.spans / r.engineSeconds)));
  const endToEndEventsPerSecond = Math.round(median(runs.map((r) => r.events / r.seconds)));
  const peakRssBytes = Math.max(...runs.map((r) => r.peakRssBytes));
  const rssGrowthBytes = median(runs.map((r) => r.rssGrowthBytes));
  const spans = runs[0]?.spans ?? 0;
  process.stdout.write(
    `${size} events: core ${eventsPerSecond} events/s, ${spansPerSecond} spans/s (${spans} spans); with log parsing ${endToEndEventsPerSecond} events/s; peak RSS ${mib(peakRssBytes)}, RSS growth during run ${mib(rssGrowthBytes)} (median of ${runs.length})\n`,
  );
  results[String(size)] = {
    events: runs[0]?.events ?? 0,
    spans,
    runs: runs.length,
    eventsPerSecond,
    spansPerSecond,
    endToEndEventsPerSecond,
    peakRssBytes,
    rssGrowthBytes,
  };
}
process.stdout.write(`${JSON.stringify({ benchmark: 'kspan-engine', node: process.version, sizes: results })}\n`);
