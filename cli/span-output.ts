import { readFile, writeFile } from 'node:fs/promises';
import type { KspanSpan } from '../core/span.ts';
import { printTrees } from '../core/tree-printer.ts';
import { parseOtlpEndpoint } from '../export/otlp-endpoint.ts';
import { goldenHeader, readGoldenHeader, stripGoldenHeader } from './golden-header.ts';
import { writeOutputFile } from './output-file.ts';
import { terminalSafe } from './terminal-safe.ts';
import { textDiff } from './text-diff.ts';
import { UserError } from './user-error.ts';

/** How spans leave a command. */
export interface SpanOutputOptions {
  readonly output?: string;
  readonly rules?: boolean;
  readonly times?: boolean;
  readonly check?: string;
  readonly update?: boolean;
  readonly otlpEndpoint?: string;
  readonly otlpInsecure?: boolean;
  readonly otlpHeaders?: string;
  /** Write the output to this file instead of standard output. */
  readonly outputFile?: string;
  /** The HTML report's title. */
  readonly title?: string;
}

/** Where the OTLP endpoint came from: the flag replaces printing, the environment adds an export to it. */
export interface OtlpEndpoint {
  readonly url: string;
  readonly from: 'flag' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT';
}

/** The configured OTLP endpoint: the flag, else the standard environment variables; a malformed one is a user mistake. */
export function otlpEndpointOf(
  options: SpanOutputOptions,
  env: NodeJS.ProcessEnv = process.env,
): OtlpEndpoint | undefined {
  const found: OtlpEndpoint | undefined =
    options.otlpEndpoint !== undefined
      ? { url: options.otlpEndpoint, from: 'flag' }
      : env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
        ? { url: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, from: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' }
        : env.OTEL_EXPORTER_OTLP_ENDPOINT
          ? { url: env.OTEL_EXPORTER_OTLP_ENDPOINT, from: 'OTEL_EXPORTER_OTLP_ENDPOINT' }
          : undefined;
  if (found === undefined) return undefined;
  parseOtlpEndpoint(found.url, found.from === 'flag' ? '--otlp-endpoint' : `$${found.from}`);
  return found;
}

/** A hint for the classic TLS-vs-plaintext mix-up, read from the exporter's error. */
export function transportHint(message: string, url: string): string {
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(message))
    return `; the endpoint answers in plaintext: use http:// (or --otlp-insecure) instead of TLS`;
  if (
    url.startsWith('http://') &&
    /ECONNRESET|Connection dropped|Protocol error|socket hang up|RST_STREAM/i.test(message)
  )
    return `; if the endpoint expects TLS, use https://`;
  return '; is a collector or Jaeger listening there?';
}

/** Exports spans over OTLP/gRPC and waits for the endpoint to accept them. */
export async function exportSpans(
  spans: readonly KspanSpan[],
  endpoint: string,
  options: SpanOutputOptions,
): Promise<void> {
  // Loaded on demand: gRPC and the SDK take most of the CLI's start-up time.
  const { createOtlpTraceExporter, exportOnce, parseHeaders } = await import('../export/otlp-exporter.ts');
  const { toReadableSpan } = await import('../export/to-readable-span.ts');
  const exporter = createOtlpTraceExporter({
    endpoint,
    ...(options.otlpHeaders !== undefined ? { headers: parseHeaders(options.otlpHeaders) } : {}),
    ...(options.otlpInsecure === true ? { insecure: true } : {}),
    timeoutMillis: 10_000,
  });
  try {
    for (let i = 0; i < spans.length; i += 512) await exportOnce(exporter, spans.slice(i, i + 512).map(toReadableSpan));
  } catch (err) {
    const message = (err as Error).message;
    throw new UserError(`${message} (endpoint ${endpoint})${transportHint(message, endpoint)}`, 1);
  } finally {
    await exporter.shutdown();
  }
  process.stderr.write(`kspan: exported ${spans.length} spans to ${terminalSafe(endpoint)}\n`);
}

async function writeGolden(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new UserError(
      `${path}: cannot write the golden file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the folder must exist and be writable`,
    );
  }
}

/** Prints, checks against a golden file, or exports spans, as the options say. Returns the exit code. */
export async function writeSpans(
  spans: readonly KspanSpan[],
  options: SpanOutputOptions,
  exportToo = false,
): Promise<number> {
  const output = options.output ?? 'tree';
  // html: the page is the printout; a --check compares the tree, and a mismatch shows in the page.
  const html = output === 'html';
  if (output !== 'tree' && output !== 'otlp-json' && !html)
    throw new UserError(`--output must be tree, otlp-json or html, got ${JSON.stringify(output)}`);
  const endpoint = otlpEndpointOf(options);
  const toJson = output === 'otlp-json' ? (await import('../export/otlp-json.ts')).toOtlpJson : undefined;
  // Every field escaped: reasons, names and messages come from the cluster and may hold terminal controls.
  const render = (o: SpanOutputOptions): string =>
    terminalSafe(
      toJson !== undefined
        ? `${toJson(spans)}\n`
        : printTrees(spans, { rules: o.rules === true, times: o.times !== false }),
      true,
    );
  let code = 0;
  let mismatch: { golden: string; expected: string; actual: string } | undefined;
  if (options.check !== undefined) {
    if (options.update === true) {
      await writeGolden(options.check, (toJson === undefined ? goldenHeader(options) : '') + render(options));
      process.stderr.write(`kspan: wrote ${terminalSafe(options.check)}\n`);
    } else {
      let golden: string;
      try {
        golden = await readFile(options.check, 'utf8');
      } catch {
        throw new UserError(`${options.check}: cannot read the golden file; create it with --update`);
      }
      // The golden says how it was printed (its header line); those options win over the defaults.
      const written = readGoldenHeader(golden);
      const text = render(written !== undefined ? { ...options, ...written } : options);
      const diff = textDiff(stripGoldenHeader(golden), text);
      if (diff !== '') {
        const hint =
          written === undefined && /\([a-z-]+\)(?: {2}\+\d+\.\d{3}s)?$/m.test(golden) && options.rules !== true
            ? ' (this golden has no header and looks written with --rules: try adding --rules)'
            : '';
        process.stderr.write(
          `kspan: output differs from ${terminalSafe(options.check)}${hint} (- golden, + actual):\n${diff}\n`,
        );
        code = 1;
        mismatch = { golden: options.check, expected: stripGoldenHeader(golden), actual: text };
      }
    }
  }
  if (html) {
    const { writeHtmlReport } = await import('../report/html-output.ts');
    await writeHtmlReport(spans, { ...options, ...(mismatch !== undefined ? { comparison: mismatch } : {}) });
  } else if (options.check !== undefined) {
    // checked, not printed
  } else if (options.outputFile !== undefined) {
    await writeOutputFile(options.outputFile, render(options));
  } else if (endpoint === undefined || endpoint.from !== 'flag' || exportToo) {
    process.stdout.write(render(options));
  }
  if (endpoint !== undefined) {
    if (endpoint.from !== 'flag')
      process.stderr.write(`kspan: also exporting to ${terminalSafe(endpoint.url)} (from $${endpoint.from})\n`);
    await exportSpans(spans, endpoint.url, options);
  }
  return code;
}
