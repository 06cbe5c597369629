import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { NdjsonLogWriter } from '../input-log/ndjson-writer.ts';
import type { InputRecord } from '../core/index.ts';
import { openRecordFile } from './record-file.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';

const dir = fs.mkdtempSync(join(tmpdir(), 'kspan-record-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const tick = (i: number): InputRecord => ({ type: 'tick', at: `2024-05-05T00:00:${String(i % 60).padStart(2, '0')}Z` });

/** The lines a gzip file holds so far: its whole blocks, as `kspan replay` reads a file cut short. */
function linesSoFar(path: string): string[] {
  const data = fs.readFileSync(path);
  if (data.length === 0) return [];
  const text = gunzipSync(data, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  return text.split('\n').slice(0, -1);
}

/** A --record file named `name` with `n` ticks written to it, closed. */
async function recorded(name: string, n: number): Promise<string> {
  const path = join(dir, name);
  const file = openRecordFile(path, new MemoryLogger());
  const writer = new NdjsonLogWriter(file.stream);
  for (let i = 0; i < n; i++) writer.write(tick(i));
  await file.close();
  return path;
}

describe('the --record file', () => {
  it("is plain NDJSON, its owner's only, under any other name", async () => {
    const path = await recorded('live.ndjson', 3);
    expect(fs.readFileSync(path, 'utf8')).toBe([0, 1, 2].map((i) => `${JSON.stringify(tick(i))}\n`).join(''));
    expect(fs.statSync(path).mode & 0o777).toBe(0o600);
  });

  it("is gzip-compressed under a .gz name: whole once closed, its owner's only", async () => {
    const path = await recorded('live.ndjson.gz', 1000);
    const text = gunzipSync(fs.readFileSync(path)).toString('utf8');
    expect(text.split('\n')).toHaveLength(1001);
    expect(fs.statSync(path).mode & 0o777).toBe(0o600);
  });

  it('flushed while open: a process killed leaves what came before the last flush replayable', async () => {
    const path = join(dir, 'killed.ndjson.gz');
    const file = openRecordFile(path, new MemoryLogger(), 20);
    const writer = new NdjsonLogWriter(file.stream);
    for (let i = 0; i < 500; i++) writer.write(tick(i));
    // Never closed: what a SIGKILL leaves on disk, read as the flushes land (the file stream writes them on).
    const deadline = Date.now() + 5000;
    let lines = linesSoFar(path);
    while (lines.length < 500 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      lines = linesSoFar(path);
    }
    expect(lines).toEqual(Array.from({ length: 500 }, (_, i) => JSON.stringify(tick(i))));
    // Not a whole gzip stream yet (no end): replay reads it up to the cut (cli/read-input-log.test.ts).
    expect(() => gunzipSync(fs.readFileSync(path))).toThrow('unexpected end of file');
    // Idle since: no more flushes, the file does not grow.
    const size = fs.statSync(path).size;
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.statSync(path).size).toBe(size);
    await file.close();
  });
});
