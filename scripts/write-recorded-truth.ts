/**
 * Writes truth.json beside a recorded live session of the e2e story (`npm run test:e2e -- --save-scenario DIR`):
 * `node scripts/write-recorded-truth.ts scenarios/<name>…`. The truth comes from the recording itself
 * (scenarios/recorded-truth.ts), never from the engine; scenarios/truth.test.ts then scores the engine
 * against it, and scenarios/recorded-truth.test.ts checks that the file is still what the recording says.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { InputRecord } from '../core/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import { recordedTruth } from '../scenarios/recorded-truth.ts';

for (const dir of process.argv.slice(2)) {
  const path = join(dir, 'input.ndjson');
  const records: InputRecord[] = readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, path, i + 1) ?? []);
  const truth = recordedTruth(records, basename(dir));
  writeFileSync(join(dir, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  process.stdout.write(
    `${dir}: ${Object.keys(truth.events).length} events, ${Object.keys(truth.roots).length} roots\n`,
  );
}
