import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputLog } from './read-input-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'kspan-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openFiles = (): number => readdirSync('/proc/self/fd').length;
const tick = (i: number): string =>
  `${JSON.stringify({ type: 'tick', at: `2024-05-05T00:00:${String(i % 60).padStart(2, '0')}Z` })}\n`;

describe.skipIf(process.platform !== 'linux')('readInputLog closes its file', () => {
  it.each([
    ['on a malformed line after the first read', (path: string) => drain(path)],
    ['when the consumer stops after the first batch', (path: string) => firstOnly(path)],
  ])('%s', async (_, consume) => {
    const path = join(dir, 'log.ndjson');
    // Past the first 1 MiB read, so that the reader is mid-file when it stops.
    writeFileSync(path, `${Array.from({ length: 30_000 }, (_, i) => tick(i)).join('')}not json\n`);
    const before = openFiles();
    await consume(path).catch(() => undefined);
    expect(openFiles()).toBe(before);
  });
});

async function drain(path: string): Promise<void> {
  for await (const records of readInputLog(path)) void records;
}

async function firstOnly(path: string): Promise<void> {
  for await (const records of readInputLog(path)) {
    void records;
    break;
  }
}
