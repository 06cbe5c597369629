import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stripGoldenHeader } from '../cli/golden-header.ts';
import { listScenarios } from '../cli/scenarios-command.ts';
import { ENGINE_DEFAULTS, printTrees, replay, type InputRecord } from '../core/index.ts';
import { redeliver } from '../core/test-support/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';

const scenarios = await listScenarios();

function load(path: string): InputRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, path, i + 1) ?? []);
}

/** The bundled inputs were delivered with 3 s of jitter already (simulator GOLDEN_JITTER_MS). */
const RECORDED_JITTER_MS = 3000;
const REDELIVERY_JITTER_MS = 3000;

function tree(records: readonly InputRecord[], windowMs: number = ENGINE_DEFAULTS.windowMs): string {
  return printTrees(replay(records, { windowMs }).spans, { rules: true });
}

describe('scenarios replay to their golden trees', () => {
  it('has the bundled scenarios', () => {
    expect(scenarios.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'deployment-create',
        'rolling-update',
        'scale-down',
        'image-pull-backoff',
        'statefulset-rollout',
      ]),
    );
  });

  it.each(scenarios.map((s) => [s.name, s]))('%s', (_name, s) => {
    expect(tree(load(s.input))).toBe(stripGoldenHeader(readFileSync(s.golden, 'utf8')));
  });
});

describe('any delivery order within the window gives the same tree', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  it.each(scenarios.map((s) => [s.name, s]))('%s over 40 re-deliveries with 3 s jitter', (_name, s) => {
    const records = load(s.input);
    const expected = tree(records);
    for (const seed of seeds) {
      const shuffled = redeliver(records, seed, REDELIVERY_JITTER_MS);
      expect(shuffled.map((r) => r.at)).not.toEqual(records.map((r) => r.at));
      // Delayed twice (as recorded, then again), a record can be up to 6 s late: a window of delay + 1 s, as
      // shared/DESIGN.md asks, must still give the tree the default window gives the recorded order.
      expect(tree(shuffled, RECORDED_JITTER_MS + REDELIVERY_JITTER_MS + 1000), `seed ${seed}`).toBe(expected);
    }
  });
});
