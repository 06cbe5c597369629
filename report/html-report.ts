import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KspanSpan } from '../core/index.ts';
import { reportTraces, type ReportComparison, type ReportData } from './report-data.ts';

/** Options of the HTML report. */
export interface HtmlReportOptions {
  /** The page title (e.g. the input file's name). */
  readonly title?: string;
  /** A failed golden check to show side by side. */
  readonly comparison?: ReportComparison;
}

const CLIENT_DIR = new URL('./client/', import.meta.url);
let client: { css: string; js: string } | undefined;

function clientFiles(): { css: string; js: string } {
  client ??= {
    css: readFileSync(new URL('report.css', CLIENT_DIR), 'utf8'),
    js: readFileSync(new URL('report-app.js', CLIENT_DIR), 'utf8'),
  };
  return client;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: no `<`, `>` or `&` can end the
 * element or open a comment, and the two line separators JavaScript once refused are escaped too.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * One self-contained HTML page: the spans' traces as waterfalls, their data inline as JSON, the page's style
 * and script inline. A Content-Security-Policy allows no network at all and runs only the page's own script
 * (by its hash), so even a missed escape could not load or run anything.
 */
export function renderHtmlReport(spans: readonly KspanSpan[], options: HtmlReportOptions = {}): string {
  const data: ReportData = {
    title: options.title ?? 'kspan report',
    traces: reportTraces(spans),
    ...(options.comparison !== undefined ? { comparison: options.comparison } : {}),
  };
  const { css, js } = clientFiles();
  const scriptHash = createHash('sha256').update(js).digest('base64');
  const styleHash = createHash('sha256').update(css).digest('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    `style-src 'sha256-${styleHash}'`,
    'img-src data:',
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kspan">
<title>${escapeHtml(data.title)}</title>
<style>${css}</style>
</head>
<body>
<noscript>This report draws its timeline with JavaScript; enable it to see the traces.</noscript>
<script type="application/json" id="kspan-data">${scriptSafeJson(data)}</script>
<script>${js}</script>
</body>
</html>
`;
}
