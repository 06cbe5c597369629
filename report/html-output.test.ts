import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeSpans } from '../cli/span-output.ts';
import { UserError } from '../common/user-error.ts';
import { printTrees, type KspanSpan } from '../core/index.ts';
import { writeHtmlReport } from './html-output.ts';

const SPAN: KspanSpan = {
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  name: 'Deployment.Update',
  startUs: 1_000_000,
  endUs: 2_000_000,
  serviceName: 'kubectl',
  attributes: { 'kspan.root': true, 'kspan.object.name': 'web', 'kspan.object.generation': 1 },
  events: [],
  status: 'unset',
};

async function dir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'kspan-html-'));
}

vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

describe('writeHtmlReport', () => {
  it('writes the page to the output file', async () => {
    const file = join(await dir(), 'r.html');
    await writeHtmlReport([SPAN], { outputFile: file, title: 'my title' });
    const html = await readFile(file, 'utf8');
    expect(html).toContain('<title>my title</title>');
    expect(html).not.toContain('"comparison"');
  });

  it('an unwritable output file is a one-line user error', async () => {
    const err = await writeHtmlReport([SPAN], { outputFile: '/nonexistent/dir/r.html' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^\/nonexistent\/dir\/r\.html: cannot write the output file/);
  });
});

describe('kspan … --output html --check', () => {
  it('a failing check exits 1 and puts expected and actual in the page', async () => {
    const d = await dir();
    await writeFile(join(d, 'g.tree'), 'something else\n');
    const file = join(d, 'r.html');
    expect(await writeSpans([SPAN], { output: 'html', outputFile: file, check: join(d, 'g.tree') })).toBe(1);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('"expected":"something else\\n"');
    expect(html).toContain(`"actual":${JSON.stringify(printTrees([SPAN]))}`);
  });

  it('a passing check exits 0 and the page has no comparison', async () => {
    const d = await dir();
    await writeFile(join(d, 'g.tree'), printTrees([SPAN]));
    const file = join(d, 'r.html');
    expect(await writeSpans([SPAN], { output: 'html', outputFile: file, check: join(d, 'g.tree') })).toBe(0);
    expect(await readFile(file, 'utf8')).not.toContain('"comparison"');
  });

  it('--update rewrites the golden tree (not the page) and still writes the page', async () => {
    const d = await dir();
    const golden = join(d, 'g.tree');
    const file = join(d, 'r.html');
    await writeSpans([SPAN], { output: 'html', outputFile: file, check: golden, update: true, rules: true });
    expect(await readFile(golden, 'utf8')).toContain(printTrees([SPAN], { rules: true }));
    expect(await readFile(file, 'utf8')).toContain('<!doctype html>');
  });

  it('-O writes a tree to the file instead of standard output', async () => {
    const file = join(await dir(), 'out.tree');
    await writeSpans([SPAN], { outputFile: file });
    expect(await readFile(file, 'utf8')).toBe(printTrees([SPAN]));
  });
});
