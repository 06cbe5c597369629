import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../cli/scenarios-command.ts';
import { ENGINE_DEFAULTS, replay, type InputRecord } from '../core/index.ts';
import { redeliver } from '../core/test-support/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import { scoreRun } from '../simulator/accuracy.ts';
import type { Truth } from '../simulator/story.ts';

/** Bundled scenarios that come with the truth they were generated from (simulator/write-scenarios.ts). */
const withTruth = (await listScenarios()).flatMap((s) => {
  const truthPath = join(dirname(s.input), 'truth.json');
  return existsSync(truthPath) && s.input.endsWith('.ndjson')
    ? [{ name: s.name, input: s.input, truth: JSON.parse(readFileSync(truthPath, 'utf8')) as Truth }]
    : [];
});

function load(path: string): InputRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, path, i + 1) ?? []);
}

function score(records: readonly InputRecord[], truth: Truth, windowMs: number = ENGINE_DEFAULTS.windowMs) {
  const s = scoreRun(replay(records, { windowMs }).spans, truth);
  return {
    lost: s.lost,
    unknown: s.unknownSpans,
    wrongParents: s.parentTotal - s.parentCorrect,
    wrongTraces: s.traceTotal - s.traceCorrect,
    wrongEdges: s.wrongEdges.slice(0, 3),
  };
}

const perfect = { lost: 0, unknown: 0, wrongParents: 0, wrongTraces: 0, wrongEdges: [] };

describe('bundled scenarios rebuild their ground truth (truth.json), edge by edge', () => {
  it('has scenarios with truth, of several Kubernetes eras and of the long-lived and busy stories', () => {
    expect(withTruth.length).toBeGreaterThanOrEqual(5);
  });

  it.each(withTruth.map((s) => [s.name, s]))('%s', (_name, s) => {
    expect(score(load(s.input), s.truth)).toEqual(perfect);
  });

  it.each(withTruth.map((s) => [s.name, s]))('%s, in 10 other delivery orders (3 s jitter)', (_name, s) => {
    const records = load(s.input);
    for (let seed = 1; seed <= 10; seed++)
      // Recorded with 3 s of jitter, delayed again by up to 3 s: a window of the total delay + 1 s.
      expect(score(redeliver(records, seed, 3000), s.truth, 7000), `seed ${seed}`).toEqual(perfect);
  });
});
