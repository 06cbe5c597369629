import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from './scenario-catalog.ts';
import { deliver } from './delivery.ts';
import { toNdjson } from './ndjson.ts';

/** Seed and delivery of the golden scenario files (change only on purpose: the golden trees follow). */
export const GOLDEN_SEED = 42;
export const GOLDEN_JITTER_MS = 3000;

/** Writes <root>/<name>/input.ndjson and truth.json for every golden scenario (or all); returns the names. */
export function writeScenarios(root: string, all = false): string[] {
  const written: string[] = [];
  for (const [name, def] of Object.entries(SCENARIOS)) {
    if (def.golden !== true && !all) continue;
    const story = def.build(GOLDEN_SEED);
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'input.ndjson'),
      toNdjson(deliver(story, { seed: GOLDEN_SEED, jitterMs: GOLDEN_JITTER_MS })),
    );
    writeFileSync(join(dir, 'truth.json'), `${JSON.stringify(story.truth, null, 2)}\n`);
    written.push(name);
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const all = args.includes('--all');
  const root = args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '..', 'scenarios');
  for (const name of writeScenarios(root, all)) process.stdout.write(`wrote ${join(root, name)}\n`);
}
