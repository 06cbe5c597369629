import { closeSync, openSync, readSync } from 'node:fs';
import { Engine, ENGINE_DEFAULTS, type InputRecord } from '../core/index.ts';

/**
 * The core's own rate: the log is read and parsed as in parse-only, and only the engine's push() and
 * close() are timed. `node bench/core-only.ts FILE` prints one JSON line.
 */
const path = process.argv[2] as string;

function* records(file: string): Generator<InputRecord> {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let rest = '';
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) if (line !== '') yield JSON.parse(line) as InputRecord;
    }
    if (rest !== '') yield JSON.parse(rest) as InputRecord;
  } finally {
    closeSync(fd);
  }
}

let spans = 0;
let events = 0;
let inEngine = 0;
const engine = new Engine({ windowMs: ENGINE_DEFAULTS.windowMs, sink: { emit: () => void spans++ } });
const started = performance.now();
for (const r of records(path)) {
  if (r.type === 'event') events++;
  const t0 = performance.now();
  engine.push(r);
  inEngine += performance.now() - t0;
}
const t0 = performance.now();
engine.close();
inEngine += performance.now() - t0;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ events, spans, coreSeconds: inEngine / 1000, seconds })}\n`);
