import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../cli/scenarios-command.ts';
import { replay, type InputRecord, type KspanSpan } from '../core/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import { escapeHtml, renderHtmlReport, scriptSafeJson } from './html-report.ts';
import type { ReportData } from './report-data.ts';

const HOSTILE = new URL('./fixtures/hostile-message.ndjson', import.meta.url).pathname;

function load(path: string): InputRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, path, i + 1) ?? []);
}

function spansOf(path: string): KspanSpan[] {
  return replay(load(path), { windowMs: 5000 }).spans;
}

/** The JSON the page embeds, parsed back. */
function embedded(html: string): ReportData {
  const m = /<script type="application\/json" id="kspan-data">([^<]*)<\/script>/.exec(html);
  if (m === null) throw new Error('no data element');
  return JSON.parse(m[1] as string) as ReportData;
}

const scenarios = await listScenarios();

describe('escapeHtml', () => {
  it.each([
    ['plain', 'plain'],
    ['<script>', '&#60;script&#62;'],
    ['a & b', 'a &#38; b'],
    [`"double" 'single'`, '&#34;double&#34; &#39;single&#39;'],
  ])('%s', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('scriptSafeJson', () => {
  it.each([
    ['</script><script>alert(1)</script>'],
    ['<!-- comment -->'],
    ['a & b > c'],
    ['line\u2028separator\u2029paragraph'],
  ])('%s cannot end the element and round-trips', (text) => {
    const json = scriptSafeJson({ text });
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual({ text });
  });
});

describe('renderHtmlReport', () => {
  const spans = spansOf(HOSTILE);
  const html = renderHtmlReport(spans, { title: 'title with <b>tags</b> & "quotes"' });

  it('keeps an untrusted Event message as data: no markup of it reaches the page', () => {
    const message = spans.map((s) => s.attributes['kspan.event.message']).find((m) => String(m).includes('</script>'));
    expect(message).toBeDefined();
    expect(html.match(/<script/g)).toHaveLength(2); // the data element and the page's own script
    expect(html).not.toContain('<img');
    expect(html).not.toContain('document.title="pwned"');
    const data = embedded(html);
    const all = data.traces.flatMap((t) => t.spans.map((s) => s.a['kspan.event.message']));
    expect(all).toContain(message);
  });

  it('escapes the title', () => {
    expect(html).toContain('<title>title with &#60;b&#62;tags&#60;/b&#62; &#38; &#34;quotes&#34;</title>');
  });

  it('loads nothing from anywhere: no src or href, a CSP that allows only its own script and style', () => {
    const markup = html.replace(/<script type="application\/json" id="kspan-data">[^<]*<\/script>/, '');
    expect(markup).not.toMatch(/\s(src|href)=/i);
    expect(markup).not.toMatch(/https?:\/\//);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain('default-src &#39;none&#39;');
    const script = /<script>([\s\S]*)<\/script>\n<\/body>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (text: string): string => createHash('sha256').update(text).digest('base64');
    expect(csp).toContain(`script-src &#39;sha256-${hash(script)}&#39;`);
    expect(csp).toContain(`style-src &#39;sha256-${hash(style)}&#39;`);
  });

  it('embeds every span of every trace', () => {
    const data = embedded(html);
    expect(data.traces.reduce((n, t) => n + t.spans.length, 0)).toBe(spans.length);
    expect(new Set(data.traces.flatMap((t) => t.spans.map((s) => s.id)))).toEqual(new Set(spans.map((s) => s.spanId)));
  });

  it('shows a failed check side by side', () => {
    const page = renderHtmlReport(spans, { comparison: { golden: 'g.tree', expected: 'a\nb', actual: 'a\nc' } });
    expect(embedded(page).comparison).toEqual({ golden: 'g.tree', expected: 'a\nb', actual: 'a\nc' });
    expect(embedded(renderHtmlReport(spans)).comparison).toBeUndefined();
  });

  it('is deterministic', () => {
    expect(renderHtmlReport(spansOf(HOSTILE), { title: 'x' })).toBe(renderHtmlReport(spansOf(HOSTILE), { title: 'x' }));
  });

  it.each(scenarios.map((s) => [s.name, s.input]))('renders scenario %s', (_name, input) => {
    const page = renderHtmlReport(spansOf(input));
    expect(embedded(page).traces.length).toBeGreaterThan(0);
  });
});
