import { Engine, ENGINE_DEFAULTS, type InputRecord } from '../core/index.ts';
import { eachLine } from './each-line.ts';

/**
 * The core's own rate: the log is read and parsed as in parse-only (as `kspan replay` reads it: its garbage is the
 * collector's work inside push() too), and only the engine's push() and close() are timed. `node bench/core-only.ts
 * FILE` prints one JSON line.
 */
const path = process.argv[2] as string;

let spans = 0;
let events = 0;
let inEngine = 0;
const engine = new Engine({ windowMs: ENGINE_DEFAULTS.windowMs, sink: { emit: () => void spans++ } });
const started = performance.now();
await eachLine(path, (line) => {
  if (line === '') return;
  const r = JSON.parse(line) as InputRecord;
  if (r.type === 'event') events++;
  const t0 = performance.now();
  engine.push(r);
  inEngine += performance.now() - t0;
});
const t0 = performance.now();
engine.close();
inEngine += performance.now() - t0;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ events, spans, coreSeconds: inEngine / 1000, seconds })}\n`);
