import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { InputRecord } from '../core/index.ts';
import { toKspanCapture } from '../input-log/capture-writer.ts';
import { recordStream } from '../simulator/record-stream.ts';
import { floodStream } from './flood-stream.ts';

/** A generated log the bench replays. */
export interface BenchLog {
  readonly path: string;
  readonly format: 'ndjson' | 'capture';
}

/** Where generated logs live: outside the repository, reused across runs. */
export const CACHE_DIR = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kspan-bench');

const ndjson = (r: InputRecord): string => `${JSON.stringify(r)}\n`;
const capture = (r: InputRecord, first: boolean): string => {
  const doc = toKspanCapture([r]);
  return doc === '' ? '' : first ? doc : `---\n${doc}`;
};

/**
 * A fingerprint of what the generators write (a hash of the first records of each kind of log), so a changed
 * simulator never replays a stale cached log while a refactor that writes the same bytes keeps the cache.
 */
function generatorVersion(): string {
  const h = createHash('sha256');
  let n = 0;
  for (const r of recordStream({ events: 1500, seed: 7 })) {
    h.update(ndjson(r));
    if (++n <= 40) h.update(capture(r, n === 1));
  }
  for (const r of floodStream({ events: 200, perSecond: 1000 })) h.update(ndjson(r));
  return h.digest('hex').slice(0, 10);
}

const VERSION = generatorVersion();

function write(path: string, records: Iterable<InputRecord>, encode: (r: InputRecord, first: boolean) => string): void {
  if (existsSync(path)) return;
  mkdirSync(CACHE_DIR, { recursive: true });
  const started = performance.now();
  const fd = openSync(`${path}.tmp`, 'w');
  let buf = '';
  let first = true;
  for (const r of records) {
    const text = encode(r, first);
    if (text === '') continue;
    first = false;
    buf += text;
    if (buf.length > 1 << 22) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  renameSync(`${path}.tmp`, path);
  process.stderr.write(`generated ${path} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** The simulator's mixed-cluster log of `events` events (seeded), as NDJSON or as a kspan capture. */
export function simulatorLog(events: number, format: BenchLog['format'], seed = 7): BenchLog {
  const ext = format === 'ndjson' ? 'ndjson' : 'yaml';
  const path = join(CACHE_DIR, `sim-${VERSION}-s${seed}-${events}.${ext}`);
  write(path, recordStream({ events, seed }), format === 'ndjson' ? ndjson : capture);
  return { path, format };
}

/** A unique-UID flood of `events` events at `perSecond` events a second of event time. */
export function floodLog(events: number, perSecond: number): BenchLog {
  const path = join(CACHE_DIR, `flood-${VERSION}-${events}-${perSecond}ps.ndjson`);
  write(path, floodStream({ events, perSecond }), ndjson);
  return { path, format: 'ndjson' };
}
