import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, 'main.ts');
const RECORD = join(import.meta.dirname, 'test-support', 'record-imports.ts');
const INPUT = join(import.meta.dirname, '..', 'scenarios', 'deployment-create', 'input.ndjson');
const dir = mkdtempSync(join(tmpdir(), 'kspan-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The packages (node_modules folders) a kspan command loads, and its exit code. */
function packagesLoaded(name: string, ...args: string[]): { code: number | null; packages: string[] } {
  const log = join(dir, `${name}.log`);
  const env: NodeJS.ProcessEnv = { ...process.env, KSPAN_IMPORTS_LOG: log };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const r = spawnSync(process.execPath, ['--import', RECORD, MAIN, ...args], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  const urls = readFileSync(log, 'utf8').split('\n');
  const packages = new Set<string>();
  for (const url of urls) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m !== null) packages.add(m[1] as string);
  }
  return { code: r.status, packages: [...packages].sort() };
}

describe('start-up: a command loads only what it uses', () => {
  it.each([
    ['tree', ['replay', INPUT]],
    ['otlp-json', ['replay', '-o', 'otlp-json', INPUT]],
    ['otlp-json-single', ['replay', '-o', 'otlp-json', '--single-document', INPUT]],
  ])('replay (%s) loads no OpenTelemetry package', (name, args) => {
    const r = packagesLoaded(name, ...args);
    expect(r.code).toBe(0);
    // commander parses the command line; the JSON outputs need neither the SDK nor its resources.
    expect(r.packages.filter((p) => p.startsWith('@opentelemetry/'))).toEqual([]);
    expect(r.packages).toContain('commander');
  });
});
