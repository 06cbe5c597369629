import { writeOutputFile } from '../cli/output-file.ts';
import type { KspanSpan } from '../core/index.ts';
import { renderHtmlReport } from './html-report.ts';
import type { ReportComparison } from './report-data.ts';

/** What `--output html` reads of a command's options. */
export interface HtmlOutputOptions {
  /** Write the page here instead of standard output. */
  readonly outputFile?: string;
  /** The page title (the input files, or the simulated scenario). */
  readonly title?: string;
  /** A failed golden check: the page opens on expected and actual side by side. */
  readonly comparison?: ReportComparison;
}

/** Writes the HTML report of `spans` to `outputFile`, else to standard output. */
export async function writeHtmlReport(spans: readonly KspanSpan[], options: HtmlOutputOptions): Promise<void> {
  const html = renderHtmlReport(spans, {
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.comparison !== undefined ? { comparison: options.comparison } : {}),
  });
  if (options.outputFile === undefined) {
    process.stdout.write(html);
    return;
  }
  await writeOutputFile(options.outputFile, html);
  process.stderr.write(`kspan: wrote ${options.outputFile} (${spans.length} spans)\n`);
}
