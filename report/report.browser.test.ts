import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type HeadlessChromium } from './headless-chromium.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'out', 'reports');
const SHOTS = join(ROOT, 'out', 'screenshots');

/** The reports under test: each is made by the CLI, as a user would. */
const REPORTS: Record<string, { args: string[]; exitCode?: number }> = {
  'rolling-update': { args: ['replay', 'scenarios/rolling-update/input.ndjson'] },
  'image-pull-backoff': { args: ['replay', 'scenarios/image-pull-backoff/input.ndjson'] },
  'crash-loop': { args: ['simulate', 'crash-loop', '--seed', '1'] },
  'node-not-ready': { args: ['simulate', 'node-not-ready', '--seed', '1'] },
  'hostile-message': { args: ['replay', 'report/fixtures/hostile-message.ndjson'] },
  'failed-check': {
    args: ['replay', 'scenarios/rolling-update/input.ndjson', '--rules', '--check', 'scenarios/scale-down/golden.tree'],
    exitCode: 1,
  },
};

interface Expected {
  readonly traces: Map<string, Set<string>>;
  readonly file: string;
}

function kspan(args: string[]) {
  return execa(process.execPath, ['cli/main.ts', ...args], { cwd: ROOT, reject: false });
}

/** Trace and span IDs of the same run, from `--output otlp-json`: what the page must show. */
async function expectedOf(name: string): Promise<Expected> {
  const { args, exitCode = 0 } = REPORTS[name] as { args: string[]; exitCode?: number };
  const file = join(OUT, `${name}.html`);
  const html = await kspan([...args, '--output', 'html', '-O', file]);
  expect(html.exitCode, html.stderr).toBe(exitCode);
  const plain = args.filter((a, i) => a !== '--check' && args[i - 1] !== '--check' && a !== '--rules');
  const json = await kspan([...plain, '--output', 'otlp-json']);
  expect(json.exitCode, json.stderr).toBe(0);
  const otlp = JSON.parse(json.stdout) as {
    resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[];
  };
  const traces = new Map<string, Set<string>>();
  for (const r of otlp.resourceSpans)
    for (const s of r.scopeSpans)
      for (const span of s.spans) {
        const set = traces.get(span.traceId) ?? new Set<string>();
        set.add(span.spanId);
        traces.set(span.traceId, set);
      }
  return { traces, file };
}

let browser: HeadlessChromium;
const expected = new Map<string, Expected>();

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  for (const name of Object.keys(REPORTS)) expected.set(name, await expectedOf(name));
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  readonly page: Page;
  /** Console errors, page errors, CSP violations, dialogs, requests to anything but the report itself. */
  readonly problems: string[];
}

async function open(name: string): Promise<Opened> {
  const { file } = expected.get(name) as Expected;
  const page = await browser.context.newPage();
  const problems: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
  return { page, problems };
}

/** Every span ID of the selected trace, scrolling the virtualised rows from top to bottom. */
async function spanIdsOfSelectedTrace(page: Page): Promise<Set<string>> {
  return new Set(
    await page.evaluate(async () => {
      const scroller = document.getElementById('scroller') as HTMLElement;
      const ids = new Set<string>();
      scroller.scrollTop = 0;
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        for (const row of document.querySelectorAll<HTMLElement>('#canvas .row')) ids.add(row.dataset.spanId ?? '');
        if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) break;
        scroller.scrollTop += scroller.clientHeight;
      }
      return [...ids];
    }),
  );
}

describe.each(['rolling-update', 'image-pull-backoff', 'crash-loop', 'node-not-ready'])('report %s', (name) => {
  it('shows every trace and every span, without errors or network', async () => {
    const { page, problems } = await open(name);
    const want = (expected.get(name) as Expected).traces;
    const listed = await page.$$eval('#traces li[data-trace-id]', (lis) => lis.map((li) => li.dataset.traceId ?? ''));
    expect(new Set(listed)).toEqual(new Set(want.keys()));
    for (const [traceId, spanIds] of want) {
      await page.click(`#traces li[data-trace-id="${traceId}"]`);
      expect(await spanIdsOfSelectedTrace(page)).toEqual(spanIds);
    }
    await page.click(`#traces li[data-trace-id="${listed[0]}"]`);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('clicking a span shows its details: name, rule, attributes', async () => {
    const { page } = await open(name);
    // The most telling span: the first error, else the first span under the root.
    const row = (await page.$('#canvas .row.error')) ?? (await page.$('#canvas .row:nth-child(2)'));
    expect(row).not.toBeNull();
    const spanName = await row?.$eval('.nm', (e) => e.textContent);
    const spanId = await row?.getAttribute('data-span-id');
    await row?.click();
    expect(await page.getAttribute('#details', 'data-span-id')).toBe(spanId);
    expect(await page.textContent('#details h3')).toBe(spanName);
    expect(await page.textContent('#details')).toMatch(/parented by rule \S+/);
    expect(await page.textContent('#details table')).toContain(spanId);
    expect(await page.getAttribute(`#canvas .row[data-span-id="${spanId}"]`, 'class')).toContain('selected');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SHOTS, `${name}-details.png`) });
    await page.close();
  });
});

describe('filters and tree', () => {
  it('filters traces by reason and by search text', async () => {
    const { page } = await open('node-not-ready');
    const all = await page.$$eval('#traces li[data-trace-id]', (l) => l.length);
    const withReason = await page.evaluate(
      () =>
        (
          JSON.parse(document.getElementById('kspan-data')?.textContent ?? '') as {
            traces: { spans: { a: Record<string, unknown> }[] }[];
          }
        ).traces.filter((t) => t.spans.some((s) => s.a['kspan.event.reason'] === 'NodeNotReady')).length,
    );
    expect(withReason).toBeGreaterThan(0);
    expect(withReason).toBeLessThan(all);
    await page.selectOption('#filter-reason', 'NodeNotReady');
    expect(await page.$$eval('#traces li[data-trace-id]', (l) => l.length)).toBe(withReason);
    expect(await page.$$eval('#canvas .row.match', (l) => l.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'node-not-ready-filtered.png') });
    await page.selectOption('#filter-reason', '');
    await page.fill('#search', 'no-such-span-anywhere');
    await page.waitForFunction(() => document.querySelectorAll('#traces li[data-trace-id]').length === 0);
    expect(await page.textContent('#traces')).toContain('No trace matches');
    await page.fill('#search', '');
    await page.waitForFunction((n) => document.querySelectorAll('#traces li[data-trace-id]').length === n, all);
    await page.close();
  });

  it('collapses and expands a subtree', async () => {
    const { page } = await open('rolling-update');
    const rows = await page.$$eval('#canvas .row', (l) => l.length);
    expect(rows).toBeGreaterThan(1);
    await page.click('#canvas .row[data-index="0"] .toggle');
    expect(await page.$$eval('#canvas .row', (l) => l.length)).toBe(1);
    await page.click('#expand-all');
    expect(await page.$$eval('#canvas .row', (l) => l.length)).toBe(rows);
    await page.close();
  });
});

describe('untrusted text', () => {
  it('shows an Event message with <script> and quotes as text, runs and loads nothing of it', async () => {
    const { page, problems } = await open('hostile-message');
    const row = await page.$('#canvas .row.error');
    await row?.click();
    const message = await page.textContent('#details .message');
    expect(message).toContain('</script><script>document.title="pwned"</script>');
    expect(message).toContain(`"double" 'single' & <b>bold</b>`);
    expect(await page.title()).not.toBe('pwned');
    expect(await page.$$('img, b')).toHaveLength(0);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SHOTS, 'hostile-message.png') });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('failed golden check', () => {
  it('opens on the expected and actual trees side by side, differing lines marked', async () => {
    const { page } = await open('failed-check');
    expect(await page.isVisible('#comparison')).toBe(true);
    const golden = await readFile(join(ROOT, 'scenarios/scale-down/golden.tree'), 'utf8');
    const firstGoldenLine = golden.split('\n')[1] as string;
    expect(await page.textContent('#comparison')).toContain(firstGoldenLine);
    expect(await page.$$eval('#comparison .only-expected', (l) => l.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#comparison .only-actual', (l) => l.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'failed-check.png') });
    await page.click('#comparison-toggle');
    expect(await page.isVisible('#comparison')).toBe(false);
    await page.close();
  });
});
