import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../common/user-error.ts';
import type { InputRecord } from '../core/index.ts';
import { toKspanCapture } from '../input-log/capture-writer.ts';
import { InputLogError } from '../input-log/input-log-error.ts';
import { CutShortInput, readInputLog } from './read-input-log.ts';

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
    'hands on what came before gzip data cut short, then fails with the file named, and closes it',
    async () => {
      const path = join(dir, 'cut.ndjson.gz');
      // Past the first chunks decompressed, so that records were handed on before the cut is found.
      const whole = gzipSync(Array.from({ length: 30_000 }, (_, i) => tick(i)).join(''));
      writeFileSync(path, whole.subarray(0, whole.length - 100));
      const before = openFiles();
      const { read, failure } = await readAll(path);
      expect(failure).toBeInstanceOf(CutShortInput);
      expect((failure as CutShortInput).message).toBe(
        `${path}: gzip data cut short (unexpected end of file); what came before it was read`,
      );
      expect((failure as CutShortInput).exitCode).toBe(2);
      expect(read.length).toBeGreaterThan(29_000);
      expect(read).toEqual(Array.from({ length: read.length }, (_, i) => JSON.parse(tick(i)) as unknown));
      expect(openFiles()).toBe(before);
    },
  );

  it('fails on gzip data that is not gzip past its first two bytes', async () => {
    const path = join(dir, 'corrupt.gz');
    const data = gzipSync(tick(1));
    data[2] = 0; // the compression method: 8 (deflate) is the only one
    writeFileSync(path, data);
    const { failure } = await readAll(path);
    expect(failure).toBeInstanceOf(UserError);
    expect(failure).not.toBeInstanceOf(CutShortInput);
    expect((failure as UserError).message).toBe(`${path}: not valid gzip data (unknown compression method)`);
  });
});

describe('readInputLog on a log whose writer stopped mid-line', () => {
  const lines = Array.from({ length: 5 }, (_, i) => tick(i)).join('');

  it('hands on every record before an unfinished last line, then fails with CutShortInput naming it', async () => {
    const path = join(dir, 'cut.ndjson');
    writeFileSync(path, `${lines}{"type":"tick","at":"2024-05`);
    const { read, failure } = await readAll(path);
    expect(read).toHaveLength(5);
    expect(failure).toBeInstanceOf(CutShortInput);
    expect((failure as Error).message).toBe(
      `${path}:6: the last line is cut short (no newline after it, not valid JSON); the 5 lines before it were read`,
    );
  });

  it('reads a whole last line without a newline after it', async () => {
    const path = join(dir, 'no-newline.ndjson');
    writeFileSync(path, lines.trimEnd());
    const { read, failure } = await readAll(path);
    expect(failure).toBeUndefined();
    expect(read).toHaveLength(5);
  });

  it.each([
    ['a malformed last line with a newline after it', `${lines}{"type":\n`],
    ['a malformed line before the last', `{"type":\n${lines}`],
    ['a last line that is JSON but not a record', `${lines}[1, 2]`],
  ])('fails as before on %s (nothing cut: the line is wrong)', async (_, text) => {
    const path = join(dir, 'malformed.ndjson');
    writeFileSync(path, text);
    const { read, failure } = await readAll(path);
    expect(failure).toBeInstanceOf(InputLogError);
    expect(read.length).toBeLessThan(6);
  });
});

describe('readInputLog on a kspan capture whose writer stopped mid-line', () => {
  const scenario = join(import.meta.dirname, '..', 'scenarios', 'deployment-create', 'input.ndjson');
  const whole = toKspanCapture(
    readFileSync(scenario, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as InputRecord),
  );
  // Each document starts with its separator.
  const documents = whole.split(/^---$/m).length - 1;
  /** The capture's last document begins at its header, the line after the last separator. */
  const lastFrom = whole.slice(0, whole.lastIndexOf('\n---\n') + 5).split('\n').length;

  it.each([
    ['cut inside its last document', whole.slice(0, whole.length - 25)],
    ['whole but for the newline after its last line', whole.slice(0, -1)],
    ['cut inside the header line of its last document', whole.slice(0, whole.lastIndexOf('\n---\n') + 15)],
  ])('%s: hands on every earlier document, then fails with CutShortInput naming the dropped one', async (_, text) => {
    const path = join(dir, 'cut.yaml');
    writeFileSync(path, text);
    const { read, failure } = await readAll(path);
    const wholePath = join(dir, 'whole.yaml');
    writeFileSync(wholePath, whole);
    const all = (await readAll(wholePath)).read;
    expect(all).toHaveLength(documents);
    expect(read).toEqual(all.slice(0, -1));
    expect(failure).toBeInstanceOf(CutShortInput);
    expect((failure as CutShortInput).exitCode).toBe(2);
    expect((failure as Error).message).toBe(
      `${path}:${lastFrom}: the last document is cut short (no newline after its last line, line ${text.split('\n').length}); it was not replayed, the ${documents - 1} records before it were (a whole file ends with a newline)`,
    );
  });

  it.each([
    ['a separator', `${whole}---`],
    ['blank space', `${whole}  `],
  ])('reads every document when the line without a newline is %s', async (_, text) => {
    const path = join(dir, 'ends-blank.yaml');
    writeFileSync(path, text);
    const { read, failure } = await readAll(path);
    expect(failure).toBeUndefined();
    expect(read).toHaveLength(documents);
  });
});

/** The records read until the reader stopped, and the failure it stopped with, if any. */
async function readAll(path: string): Promise<{ read: unknown[]; failure: unknown }> {
  const read: unknown[] = [];
  try {
    for await (const records of readInputLog(path)) read.push(...records);
    return { read, failure: undefined };
  } catch (err) {
    return { read, failure: err };
  }
}

async function all(path: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const records of readInputLog(path)) out.push(...records);
  return out;
}
