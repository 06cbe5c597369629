import { readFile, writeFile } from 'node:fs/promises';
import type { KspanSpan } from '../core/span.ts';
import { printTrees } from '../core/tree-printer.ts';
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
}

/** The configured OTLP endpoint: the flag, else the standard environment variables. */
export function otlpEndpointOf(options: SpanOutputOptions): string | undefined {
  return (
    options.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT
  );
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
    throw new UserError(
      `${(err as Error).message} (endpoint ${endpoint}); is a collector or Jaeger listening there?`,
      1,
    );
  } finally {
    await exporter.shutdown();
  }
  process.stderr.write(`kspan: exported ${spans.length} spans to ${endpoint}\n`);
}

/** Prints, checks against a golden file, or exports spans, as the options say. Returns the exit code. */
export async function writeSpans(
  spans: readonly KspanSpan[],
  options: SpanOutputOptions,
  exportToo = false,
): Promise<number> {
  const output = options.output ?? 'tree';
  if (output !== 'tree' && output !== 'otlp-json')
    throw new UserError(`--output must be tree or otlp-json, got ${JSON.stringify(output)}`);
  const text =
    output === 'tree'
      ? printTrees(spans, { rules: options.rules === true, times: options.times !== false })
      : `${(await import('../export/otlp-json.ts')).toOtlpJson(spans)}\n`;
  const endpoint = otlpEndpointOf(options);
  let code = 0;
  if (options.check !== undefined) {
    if (options.update === true) {
      await writeFile(options.check, text);
      process.stderr.write(`kspan: wrote ${options.check}\n`);
    } else {
      let golden: string;
      try {
        golden = await readFile(options.check, 'utf8');
      } catch {
        throw new UserError(`${options.check}: cannot read the golden file; create it with --update`);
      }
      const diff = textDiff(golden, text);
      if (diff !== '') {
        process.stderr.write(`kspan: output differs from ${options.check} (- golden, + actual):\n${diff}\n`);
        code = 1;
      }
    }
  } else if (endpoint === undefined || exportToo) {
    process.stdout.write(text);
  }
  if (endpoint !== undefined) await exportSpans(spans, endpoint, options);
  return code;
}
