import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../common/user-error.ts';
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

describe('readInputLog reads gzip-compressed logs and captures as the plain ones', () => {
  const SCENARIO = join(import.meta.dirname, '..', 'scenarios', 'deployment-create', 'input.ndjson');
  const CAPTURE = join(import.meta.dirname, '..', 'input-log', 'testdata', 'two-documents.yaml');

  it.each([
    ['an .ndjson.gz log', SCENARIO, 'log.ndjson.gz'],
    ['a log named only .gz (told by its first line)', SCENARIO, 'log.gz'],
    ['a kspan capture', CAPTURE, 'capture.yaml.gz'],
  ])('%s', async (_, plain, name) => {
    const path = join(dir, name);
    writeFileSync(path, gzipSync(readFileSync(plain)));
    const records = await all(path);
    expect(records.length).toBeGreaterThan(1);
    expect(records).toEqual(await all(plain));
  });

  it('reads gzip members one after another as one log, as zcat does', async () => {
    const text = readFileSync(SCENARIO, 'utf8');
    const cut = text.indexOf('\n', text.length >> 1) + 1;
    const path = join(dir, 'members.ndjson.gz');
    writeFileSync(path, Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]));
    expect(await all(path)).toEqual(await all(SCENARIO));
  });

  it.skipIf(process.platform !== 'linux')(
    'fails with the file named when its gzip data is cut short, and closes it',
    async () => {
      const path = join(dir, 'cut.ndjson.gz');
      // Past the first chunks decompressed, so that records were handed on before the cut is found.
      const whole = gzipSync(Array.from({ length: 30_000 }, (_, i) => tick(i)).join(''));
      writeFileSync(path, whole.subarray(0, whole.length - 100));
      const before = openFiles();
      let read = 0;
      const failure = await (async () => {
        for await (const records of readInputLog(path)) read += records.length;
      })().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(UserError);
      expect((failure as UserError).message).toBe(`${path}: gzip data cut short or corrupt (unexpected end of file)`);
      expect((failure as UserError).exitCode).toBe(2);
      expect(read).toBeGreaterThan(1000);
      expect(openFiles()).toBe(before);
    },
  );
});

async function all(path: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const records of readInputLog(path)) out.push(...records);
  return out;
}
