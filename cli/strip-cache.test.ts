import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'kspan.js');
const INPUT = join(import.meta.dirname, '..', 'scenarios', 'deployment-create', 'input.ndjson');

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'kspan-strip-test-'));
  made.push(d);
  return d;
}

function run(cache: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, KSPAN_STRIP_CACHE: cache };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the cache of stripped TypeScript (start-up)', () => {
  it('fills on the first run, serves the next, and prints the same as without it, quietly', () => {
    const cache = scratch();
    const plain = run('off', 'replay', INPUT);
    const first = run(cache, 'replay', INPUT);
    const [versionDir] = readdirSync(cache);
    const files = readdirSync(join(cache, versionDir as string));
    // Every kspan file the replay loads is stripped once, none of node_modules.
    expect(files.length).toBeGreaterThan(40);
    const second = run(cache, 'replay', INPUT);
    expect(plain.code).toBe(0);
    expect(first).toEqual(plain);
    expect(second).toEqual(plain);
    expect(first.stderr).not.toMatch(/ExperimentalWarning/);
  });

  it('serves what the cache holds for a file, keyed by its content, so a warm run never strips it again', () => {
    const cache = scratch();
    expect(run(cache, '--version').code).toBe(0);
    const dir = join(cache, readdirSync(cache)[0] as string);
    const source = readFileSync(join(import.meta.dirname, '..', 'common', 'version.ts'), 'utf8');
    const entry = join(dir, `${createHash('md5').update(source).digest('hex')}.js`);
    expect(readFileSync(entry, 'utf8')).toContain('KSPAN_VERSION');
    writeFileSync(entry, "export const KSPAN_VERSION = 'from-the-cache';\n");
    expect(run(cache, '--version').stdout.trim()).toBe('from-the-cache');
  });
});
