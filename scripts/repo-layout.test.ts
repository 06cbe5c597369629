import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', '.git', 'testdata', 'golden']);

/** Every TypeScript file of the repository, as a path relative to its root. */
function sources(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.') || SKIP.has(e.name)) return [];
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [relative(ROOT, p)] : [];
  });
}

/** The relative modules a file imports or re-exports (static and dynamic), resolved against the repo root. */
export function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]*)['"]/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text))
    found.push(relative(ROOT, resolve(ROOT, dirname(file), m[1] as string)));
  return found;
}

const CORE_ENTRIES = new Set(['core/index.ts', 'core/test-support/index.ts']);

/** The layering rules a file breaks: core only through its entries; driver/, simulator/, common/ never reach cli/. */
export function violations(file: string, imports: readonly string[]): string[] {
  const top = file.split('/')[0] ?? '';
  const out: string[] = [];
  for (const target of imports) {
    const targetTop = target.split('/')[0];
    if (top !== 'core' && targetTop === 'core' && !CORE_ENTRIES.has(target))
      out.push(`${file} imports ${target}: import core through core/index.ts`);
    if (['driver', 'simulator', 'common'].includes(top) && targetTop === 'cli')
      out.push(`${file} imports ${target}: ${top}/ must not depend on cli/ (shared plumbing lives in common/)`);
    if (top === 'common' && (targetTop === 'driver' || targetTop === 'simulator'))
      out.push(`${file} imports ${target}: common/ is below driver/ and simulator/`);
  }
  return out;
}

describe('repository layout', () => {
  // This file quotes bad imports as test cases, so it is not scanned itself.
  const files = sources().filter((f) => f !== relative(ROOT, import.meta.filename));

  it('finds the sources of every folder', () => {
    const folders = new Set(files.map((f) => f.split('/')[0]));
    for (const f of ['core', 'common', 'cli', 'driver', 'simulator', 'export', 'input-log', 'scenarios', 'e2e'])
      expect(folders).toContain(f);
  });

  it('reaches core/ only through its public entry, and never cli/ from driver/, simulator/ or common/', () => {
    const broken = files.flatMap((f) => violations(f, importsOf(f, readFileSync(join(ROOT, f), 'utf8'))));
    expect(broken).toEqual([]);
  });

  it.each([
    ['driver/x.ts', "import { Engine } from '../core/engine.ts';", 1],
    ['driver/x.ts', "import type {\n  KubeEvent,\n} from '../core/kube.ts';", 1],
    ['e2e/infra/x.ts', "const m = await import('../../core/replay.ts');", 1],
    ['cli/x.ts', "export { printTrees } from '../core/tree-printer.ts';", 1],
    ['simulator/x.ts', "import { UserError } from '../cli/user-error.ts';", 1],
    ['driver/x.ts', "import { parseDurationMs } from '../cli/duration.ts';", 1],
    ['common/x.ts', "import { run } from '../driver/production-run.ts';", 1],
    ['driver/x.ts', "import { Engine } from '../core/index.ts';", 0],
    ['export/x.test.ts', "import { ev } from '../core/test-support/index.ts';", 0],
    ['core/x.ts', "import { Engine } from './engine.ts';", 0],
    ['cli/x.ts', "import { registerRunCommand } from '../driver/commands.ts';", 0],
    ['driver/x.ts', "import { UserError } from '../common/user-error.ts';", 0],
  ])('checks %s: %j → %d finding(s)', (file, text, count) => {
    expect(violations(file, importsOf(file, text))).toHaveLength(count);
  });
});
