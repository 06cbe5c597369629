import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES } from './k8s-profile.ts';
import { SCENARIOS } from './scenario-catalog.ts';
import { deliver } from './delivery.ts';
import { toNdjson } from './ndjson.ts';

/** Seed and delivery of the golden scenario files (change only on purpose: the golden trees follow). */
export const GOLDEN_SEED = 42;
export const GOLDEN_JITTER_MS = 3000;

/**
 * Scenarios bundled as well in another Kubernetes era (folder `<scenario>@<profile>`) or because they are
 * the busy and long-lived stories: each class of issue 10 on data files, scored against its truth in npm test.
 */
export const GOLDEN_VARIANTS: readonly (readonly [scenario: string, profile: string])[] = [
  ['rolling-update', '1.8'],
  ['scale-up', '1.14'],
  ['double-scale', '1.16'],
  ['rollback', '1.23'],
  ['statefulset-update', '1.31'],
  ['deployment-delete', '1.35'],
  ['crash-loop-hours', '1.23'],
  ['pending-40-minutes', '1.31'],
  ['statefulset-reuse', 'default'],
  ['hpa-rollout', '1.11'],
  ['node-failure-rollout', '1.16'],
];

/** Writes <root>/<name>/input.ndjson and truth.json for every golden scenario (or all); returns the names. */
export function writeScenarios(root: string, all = false): string[] {
  const written: string[] = [];
  const jobs = [
    ...Object.keys(SCENARIOS).flatMap((name) =>
      SCENARIOS[name]?.golden === true || all ? [[name, undefined] as const] : [],
    ),
    ...GOLDEN_VARIANTS,
  ];
  for (const [name, profileId] of jobs) {
    const def = SCENARIOS[name];
    const profile = profileId === undefined ? undefined : PROFILES[profileId];
    if (def === undefined || (profileId !== undefined && profile === undefined))
      throw new Error(`unknown ${name}@${profileId}`);
    const story = def.build(GOLDEN_SEED, profile === undefined ? {} : { profile });
    const folder = profileId === undefined ? name : `${name}@${profileId}`;
    const dir = join(root, folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'input.ndjson'),
      toNdjson(deliver(story, { seed: GOLDEN_SEED, jitterMs: GOLDEN_JITTER_MS })),
    );
    writeFileSync(join(dir, 'truth.json'), `${JSON.stringify(story.truth, null, 2)}\n`);
    written.push(folder);
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const all = args.includes('--all');
  const root = args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '..', 'scenarios');
  for (const name of writeScenarios(root, all)) process.stdout.write(`wrote ${join(root, name)}\n`);
}
