import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { replayFiles } from './replay-command.ts';
import { writeSpans } from './span-output.ts';
import { UserError } from '../common/user-error.ts';
import { DEFAULT_ENGINE_FLAGS } from '../common/engine-flags.ts';

/** The bundled scenarios folder. */
export const SCENARIOS_DIR = join(import.meta.dirname, '..', 'scenarios');

/** One scenario: an input log and the golden tree it must replay to. */
export interface Scenario {
  readonly name: string;
  readonly input: string;
  readonly golden: string;
}

/** Lists the scenarios under `dir` (each a folder with `input.ndjson` or `input.yaml`, and `golden.tree`). */
export async function listScenarios(dir = SCENARIOS_DIR): Promise<Scenario[]> {
  const out: Scenario[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const folder = join(dir, name);
    if (!(await stat(folder)).isDirectory()) continue;
    const files = await readdir(folder);
    const input = files.includes('input.ndjson')
      ? 'input.ndjson'
      : files.includes('input.yaml')
        ? 'input.yaml'
        : undefined;
    if (input !== undefined) out.push({ name, input: join(folder, input), golden: join(folder, 'golden.tree') });
  }
  return out;
}

/** `kspan scenarios [--update]`: replays every bundled scenario against its golden tree. */
export function registerScenariosCommand(program: Command): void {
  program
    .command('scenarios')
    .description('replay every scenario under scenarios/ and compare with its golden.tree (--update rewrites them)')
    .option('--dir <dir>', 'scenarios folder', SCENARIOS_DIR)
    .option('--update', 'rewrite the golden trees from the current engine', false)
    .action(async (options: { dir: string; update: boolean }) => {
      const scenarios = await listScenarios(options.dir);
      if (scenarios.length === 0) throw new UserError(`${options.dir}: no scenarios (folders with input.ndjson)`);
      let failed = 0;
      for (const s of scenarios) {
        const spans = await replayFiles([s.input], { ...DEFAULT_ENGINE_FLAGS, format: 'auto' });
        const code = await writeSpans(spans, { check: s.golden, update: options.update, rules: true });
        process.stderr.write(`${code === 0 ? 'ok  ' : 'FAIL'} ${s.name} (${spans.length} spans)\n`);
        if (code !== 0) failed += 1;
      }
      process.exitCode = failed > 0 ? 1 : 0;
    });
}
