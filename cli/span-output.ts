import { readFile, writeFile } from 'node:fs/promises';
import type { KspanSpan } from '../core/span.ts';
import { printTrees } from '../core/tree-printer.ts';
import { otlpEndpointConfigured, resolveOtlpConfig, type OtlpConfig } from '../export/otlp-config.ts';
import { parseHeaders } from '../export/parse-headers.ts';
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
  readonly otlpProtocol?: string;
  /** `k8s.cluster.name` on exported resources (also from $KSPAN_CLUSTER_NAME or OTEL_RESOURCE_ATTRIBUTES). */
  readonly clusterName?: string;
}

/** An export a command will make: its settings, and whether a flag (which replaces printing) asked for it. */
export interface OtlpTarget {
  readonly config: OtlpConfig;
  readonly fromFlag: boolean;
}

/**
 * The OTLP export the options and environment ask for, or undefined when no endpoint is set anywhere.
 * Anything malformed (a URL, a protocol, a TLS file) is a user mistake, reported before any work.
 */
export function otlpEndpointOf(
  options: SpanOutputOptions,
  env: NodeJS.ProcessEnv = process.env,
): OtlpTarget | undefined {
  if (
    !otlpEndpointConfigured({ ...(options.otlpEndpoint !== undefined ? { endpoint: options.otlpEndpoint } : {}) }, env)
  )
    return undefined;
  const config = resolveOtlpConfig(
    {
      ...(options.otlpEndpoint !== undefined ? { endpoint: options.otlpEndpoint } : {}),
      ...(options.otlpProtocol !== undefined ? { protocol: options.otlpProtocol } : {}),
      ...(options.otlpInsecure === true ? { insecure: true } : {}),
      ...(options.otlpHeaders !== undefined ? { headers: parseHeaders(options.otlpHeaders) } : {}),
    },
    env,
  );
  return { config, fromFlag: options.otlpEndpoint !== undefined };
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
  if (/self[- ]signed|unable to verify|UNABLE_TO_GET_ISSUER|certificate/i.test(message))
    return '; trust its CA with OTEL_EXPORTER_OTLP_CERTIFICATE=<ca.pem>';
  return '; is a collector or Jaeger listening there?';
}

/** Exports spans over OTLP (gRPC or HTTP, as configured) and waits for the endpoint to accept them. */
export async function exportSpans(
  spans: readonly KspanSpan[],
  target: OtlpTarget,
  clusterName?: string,
): Promise<void> {
  // Loaded on demand: gRPC, HTTP and the SDK take most of the CLI's start-up time.
  const { createOtlpTraceExporter, exportOnce } = await import('../export/otlp-exporter.ts');
  const { readableSpanWith } = await import('../export/to-readable-span.ts');
  const { SpanResources } = await import('../export/span-resources.ts');
  const resources = SpanResources.fromEnvironment(clusterName !== undefined ? { name: clusterName } : {});
  const { url, protocol } = target.config;
  const toReadable = readableSpanWith(resources);
  const exporter = createOtlpTraceExporter(target.config);
  try {
    for (let i = 0; i < spans.length; i += 512) await exportOnce(exporter, spans.slice(i, i + 512).map(toReadable));
  } catch (err) {
    const message = (err as Error).message;
    throw new UserError(`${message} (endpoint ${url}, ${protocol})${transportHint(message, url)}`, 1);
  } finally {
    await exporter.shutdown();
  }
  process.stderr.write(`kspan: exported ${spans.length} spans to ${terminalSafe(url)} (${protocol})\n`);
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
  const toJson =
    output === 'otlp-json'
      ? await (async () => {
          const [{ toOtlpJson }, { SpanResources }] = await Promise.all([
            import('../export/otlp-json.ts'),
            import('../export/span-resources.ts'),
          ]);
          const resources = SpanResources.fromEnvironment(
            options.clusterName !== undefined ? { name: options.clusterName } : {},
          );
          return (s: readonly KspanSpan[]): string => toOtlpJson(s, resources);
        })()
      : undefined;
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
  } else if (endpoint === undefined || !endpoint.fromFlag || exportToo) {
    process.stdout.write(render(options));
  }
  if (endpoint !== undefined) {
    if (!endpoint.fromFlag)
      process.stderr.write(
        `kspan: also exporting to ${terminalSafe(endpoint.config.url)} (from ${endpoint.config.urlFrom})\n`,
      );
    await exportSpans(spans, endpoint, options.clusterName);
  }
  return code;
}
