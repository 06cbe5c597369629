import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCollector } from '../export/test-support/fake-collector.ts';

// The docs say what the program does: the README's commands run, its sample is what the demo prints,
// and the versions and flags docs/ name are the ones the code and the e2e suite use.
const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PRODUCTION = readFileSync(join(ROOT, 'docs', 'production.md'), 'utf8');
const MAIN = join(ROOT, 'cli', 'main.ts');
const TMP = mkdtempSync(join(tmpdir(), 'kspan-readme-'));
const run = promisify(execFile);

async function kspan(
  args: readonly string[],
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_')) delete env[k];
  const child = run(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env,
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (stdin !== undefined) {
    child.child.stdin?.end(stdin);
  } else child.child.stdin?.end();
  try {
    const r = await child;
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The fenced block that follows a heading. */
function blockAfter(text: string, heading: string): string {
  const at = text.indexOf(heading);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const open = text.indexOf('```', at);
  const start = text.indexOf('\n', open) + 1;
  return text.slice(start, text.indexOf('```', start));
}

/** `npx kspan …` lines of a block, comments dropped, the README's placeholder files made real. */
function commands(block: string, files: Record<string, string>): { args: string[]; stdin?: string; line: string }[] {
  return block
    .split('\n')
    .filter((l) => l.startsWith('npx kspan '))
    .map((line) => {
      // Optional parts in brackets (`[--json]`) are run too.
      const command = line
        .replace(/\s+#.*$/, '')
        .replace(/\[([^\]]+)\]/g, '$1')
        .trim();
      const [main, input] = command.split(' < ');
      const args = (main as string)
        .split(/\s+/)
        .slice(2)
        .map((a) => files[a] ?? a);
      return {
        args,
        ...(input !== undefined ? { stdin: readFileSync(files[input.trim()] ?? input.trim(), 'utf8') } : {}),
        line,
      };
    });
}

let collector: FakeCollector;
let endpoint = '';
beforeAll(async () => {
  collector = new FakeCollector();
  endpoint = await collector.start();
});
afterAll(() => collector.stop());

describe('README', () => {
  it('its sample trace is what `npm start` prints (the second trace of the demo)', async () => {
    const sample = README.slice(README.indexOf('```\ntrace ') + 4, README.indexOf('…\n```'));
    const demo = await kspan(['demo']);
    expect(demo.code).toBe(0);
    expect(demo.stdout, 'the README sample is out of date: paste the lines `npm start` prints now').toContain(sample);
  });

  it('every command under "Using it" runs and exits 0', async () => {
    const files = {
      'capture.yaml': join(ROOT, 'input-log', 'testdata', 'two-documents.yaml'),
      'log.ndjson': join(ROOT, 'scenarios', 'deployment-create', 'input.ndjson'),
      'log.ndjson.gz': join(TMP, 'log.ndjson.gz'),
      'golden.tree': join(TMP, 'golden.tree'),
      'report.html': join(TMP, 'report.html'),
      'http://localhost:4317': endpoint,
    };
    writeFileSync(files['log.ndjson.gz'], gzipSync(readFileSync(files['log.ndjson'])));
    const list = commands(blockAfter(README, '## Using it'), files);
    expect(list.length).toBeGreaterThanOrEqual(8);
    for (const c of list) {
      const r = await kspan(c.args, c.stdin);
      expect(r.code, `${c.line}\n${r.stderr}`).toBe(0);
      const quiet = ['--check', '--otlp-endpoint', '-O'].some((f) => c.args.includes(f));
      if (!quiet && c.args[0] === 'replay') expect(r.stdout, c.line).not.toBe('');
    }
    expect(collector.requests.length).toBeGreaterThan(0);
  });

  it('the simulator commands run (accuracy with fewer seeds)', async () => {
    for (const c of commands(blockAfter(README, '## Measuring the heuristics'), {})) {
      const args = c.args.map((a, i) => (c.args[i - 1] === '--seeds' ? '2' : a));
      const r = await kspan(args);
      expect(r.code, `${c.line}\n${r.stderr}`).toBe(0);
      expect(r.stdout, c.line).not.toBe('');
    }
  });

  it('every flag of the production command exists in `kspan run --help`', async () => {
    const help = (await kspan(['run', '--help'])).stdout;
    const flags = [...blockAfter(README, '## Production').matchAll(/ (--[a-z-]+)/g)].map((m) => m[1] as string);
    expect(flags.length).toBeGreaterThan(2);
    for (const f of flags) expect(help, f).toContain(f);
  });

  it('mentions no flag that no command has', async () => {
    const helps = (
      await Promise.all(['replay', 'run', 'simulate', 'accuracy', 'scenarios', 'demo'].map((c) => kspan([c, '--help'])))
    )
      .map((r) => r.stdout)
      .join('\n');
    // Inline code that is a kspan flag or a kspan command line (not npm's or another tool's).
    const spans = [...README.matchAll(/(?<!`)`([^`\n]+)`(?!`)/g)].map((m) => m[1] as string);
    const mentioned = new Set(
      spans
        .filter((t) => t.startsWith('--') || t.startsWith('kspan '))
        .flatMap((t) => [...t.matchAll(/(?:^|\s)(--[a-z][a-z-]+)/g)].map((m) => m[1] as string)),
    );
    expect(mentioned.size).toBeGreaterThan(3);
    for (const f of mentioned) expect(helps, `README mentions ${f}`).toContain(f);
  });
});

describe('docs/production.md', () => {
  it('runs the Jaeger image the end-to-end suite pins', () => {
    const versions = JSON.parse(readFileSync(join(ROOT, 'e2e', 'infra', 'versions.json'), 'utf8')) as {
      containers: { jaegerImage: string };
    };
    const images = [...PRODUCTION.matchAll(/jaegertracing\/jaeger:[\w.]+/g)].map((m) => m[0]);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toBe(versions.containers.jaegerImage);
  });

  it('its flag table lists only flags `kspan run` has', async () => {
    const help = (await kspan(['run', '--help'])).stdout;
    const flags = [...PRODUCTION.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1] as string);
    expect(flags.length).toBeGreaterThan(10);
    for (const f of flags) expect(help, f).toContain(f);
  });
});
