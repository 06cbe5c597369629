import { readFile, writeFile } from 'node:fs/promises';
import { printTrees, type KspanSpan, type SpanSink } from '../core/index.ts';
import { otlpEndpointConfigured, resolveOtlpConfig, type OtlpConfig } from '../export/otlp-config.ts';
import { parseHeaders } from '../export/parse-headers.ts';
import type { SpanResources } from '../export/span-resources.ts';
import { goldenHeader, readGoldenHeader, stripGoldenHeader } from './golden-header.ts';
import { openOutputFile } from './output-file.ts';
import { SpanExport } from './span-export.ts';
import { terminalSafe } from '../common/terminal-safe.ts';
import { TextWriter } from './text-writer.ts';
import { TreeStream } from './tree-stream.ts';
import { textDiff } from './text-diff.ts';
import { UserError } from '../common/user-error.ts';

/** How spans leave a command. */
export interface SpanOutputOptions {
  readonly output?: string;
  /** With `otlp-json`: one ExportTraceServiceRequest for the whole log instead of JSON Lines. */
  readonly singleDocument?: boolean;
  readonly rules?: boolean;
  readonly times?: boolean;
  readonly check?: string;
  readonly update?: boolean;
  readonly otlpEndpoint?: string;
  readonly otlpInsecure?: boolean;
  readonly otlpHeaders?: string;
  readonly otlpProtocol?: string;
  /** `k8s.cluster.name` on exported resources (also from $KSPAN_CLUSTER_NAME or OTEL_RESOURCE_ATTRIBUTES). */
  readonly clusterName?: string;
  /** Write the output to this file instead of standard output. */
  readonly outputFile?: string;
  /** The HTML report's title. */
  readonly title?: string;
}

/** Where a command's engine emits (give it to the engine as its sink), and how the command waits for and ends the output. */
export interface SpanOutput extends SpanSink {
  /** Await between records: backpressure from stdout or the OTLP endpoint. */
  ready(): Promise<void>;
  /** After the engine's close(): writes what is left, compares with the golden file; returns the exit code. */
  finish(): Promise<number>;
  /** Spans emitted so far. */
  readonly spanCount: number;
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
  const endpoint = options.otlpEndpoint !== undefined ? { endpoint: options.otlpEndpoint } : {};
  if (!otlpEndpointConfigured(endpoint, env)) return undefined;
  const config = resolveOtlpConfig(
    {
      ...endpoint,
      ...(options.otlpProtocol !== undefined ? { protocol: options.otlpProtocol } : {}),
      ...(options.otlpInsecure === true ? { insecure: true } : {}),
      ...(options.otlpHeaders !== undefined ? { headers: parseHeaders(options.otlpHeaders) } : {}),
    },
    env,
  );
  return { config, fromFlag: options.otlpEndpoint !== undefined };
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

/** The whole log's spans as one text, sorted (golden files, the single-document OTLP form); every field escaped. */
/** The resource attributes printed OTLP carries: the cluster name and OTEL_RESOURCE_ATTRIBUTES, as exports do. */
async function printedResources(o: SpanOutputOptions): Promise<SpanResources> {
  const { SpanResources } = await import('../export/span-resources.ts');
  const resources = SpanResources.fromEnvironment(o.clusterName !== undefined ? { name: o.clusterName } : {});
  if (resources.warning !== undefined) process.stderr.write(`kspan: warning: ${terminalSafe(resources.warning)}\n`);
  return resources;
}

async function wholeText(spans: readonly KspanSpan[], o: SpanOutputOptions): Promise<string> {
  if ((o.output ?? 'tree') !== 'otlp-json')
    return terminalSafe(printTrees(spans, { rules: o.rules === true, times: o.times !== false }), true);
  const [{ toOtlpJson }, resources] = await Promise.all([import('../export/otlp-json.ts'), printedResources(o)]);
  // The encoder escapes every string it writes, terminal controls included.
  return `${toOtlpJson(spans, resources)}\n`;
}

/** A failed golden check, for the HTML page to show side by side. */
interface Mismatch {
  readonly golden: string;
  readonly expected: string;
  readonly actual: string;
}

async function checkGolden(
  spans: readonly KspanSpan[],
  options: SpanOutputOptions,
  golden: string,
): Promise<Mismatch | undefined> {
  const isTree = (options.output ?? 'tree') !== 'otlp-json';
  if (options.update === true) {
    await writeGolden(golden, (isTree ? goldenHeader(options) : '') + (await wholeText(spans, options)));
    process.stderr.write(`kspan: wrote ${terminalSafe(golden)}\n`);
    return undefined;
  }
  let expected: string;
  try {
    expected = await readFile(golden, 'utf8');
  } catch {
    throw new UserError(`${golden}: cannot read the golden file; create it with --update`);
  }
  // The golden says how it was printed (its header line); those options win over the defaults.
  const written = readGoldenHeader(expected);
  const text = await wholeText(spans, written !== undefined ? { ...options, ...written } : options);
  const diff = textDiff(stripGoldenHeader(expected), text);
  if (diff === '') return undefined;
  const hint =
    written === undefined && /\([a-z-]+\)(?: {2}\+\d+\.\d{3}s)?$/m.test(expected) && options.rules !== true
      ? ' (this golden has no header and looks written with --rules: try adding --rules)'
      : '';
  process.stderr.write(`kspan: output differs from ${terminalSafe(golden)}${hint} (- golden, + actual):\n${diff}\n`);
  return { golden, expected: stripGoldenHeader(expected), actual: text };
}

/**
 * Opens the output the options ask for. Printing streams: trees and OTLP JSON Lines are written as traces
 * are emitted and the spans are let go. Only `--check`/`--update` (goldens are small), `--single-document` and
 * `-o html` (one page) hold every span, to print them sorted. An OTLP endpoint from the flag replaces printing, one from the
 * environment adds an export to it (so does `printToo`, as the demo does); spans are exported as they come.
 */
export async function openSpanOutput(options: SpanOutputOptions, printToo = false): Promise<SpanOutput> {
  const output = options.output ?? 'tree';
  // html: the page is the printout; a --check compares the tree, and a mismatch shows in the page.
  const html = output === 'html';
  if (output !== 'tree' && output !== 'otlp-json' && !html)
    throw new UserError(`--output must be tree, otlp-json or html, got ${JSON.stringify(output)}`);
  if (options.singleDocument === true && output !== 'otlp-json')
    throw new UserError('--single-document goes with --output otlp-json');
  const endpoint = otlpEndpointOf(options);
  const print = options.outputFile !== undefined || endpoint === undefined || !endpoint.fromFlag || printToo;
  if (endpoint !== undefined && !endpoint.fromFlag)
    process.stderr.write(
      `kspan: also exporting to ${terminalSafe(endpoint.config.url)} (from ${endpoint.config.urlFrom})\n`,
    );
  const exporter = endpoint === undefined ? undefined : await SpanExport.open(endpoint.config, options.clusterName);
  // Every field escaped: reasons, names and messages come from the cluster and may hold terminal controls. The writer
  // escapes the printed trees a 64 KiB chunk at a time (once per trace was a tenth of a flood's replay).
  const writer = new TextWriter(
    options.outputFile !== undefined && !html && options.check === undefined
      ? await openOutputFile(options.outputFile)
      : process.stdout,
    (text) => terminalSafe(text, true),
  );
  const held: KspanSpan[] | undefined =
    options.check !== undefined || options.singleDocument === true || html ? [] : undefined;
  let printer: (SpanSink & { flush(): void }) | undefined;
  if (held === undefined && print) {
    if (output === 'tree') {
      printer = new TreeStream((text) => writer.write(text), {
        rules: options.rules === true,
        times: options.times !== false,
      });
    } else {
      const [{ OtlpJsonLines }, resources] = await Promise.all([
        import('../export/otlp-json-lines.ts'),
        printedResources(options),
      ]);
      // Its bytes need no second pass: the encoder escapes terminal controls in every string it writes.
      printer = new OtlpJsonLines((bytes) => writer.writeBytes(bytes), resources);
    }
  }
  let spanCount = 0;
  return {
    emit(span) {
      spanCount += 1;
      held?.push(span);
      printer?.emit(span);
      exporter?.add(span);
    },
    async ready() {
      await writer.ready();
      await exporter?.ready();
    },
    async finish() {
      const mismatch =
        held !== undefined && options.check !== undefined ? await checkGolden(held, options, options.check) : undefined;
      if (held !== undefined && html) {
        const { writeHtmlReport } = await import('../report/html-output.ts');
        await writeHtmlReport(held, { ...options, ...(mismatch !== undefined ? { comparison: mismatch } : {}) });
      } else if (held !== undefined && options.check === undefined && print) {
        writer.writeRaw(await wholeText(held, options));
      }
      printer?.flush();
      await writer.end();
      await exporter?.finish();
      return mismatch !== undefined ? 1 : 0;
    },
    get spanCount() {
      return spanCount;
    },
  };
}

/** Prints, checks against a golden file, or exports spans already in hand, as the options say. Returns the exit code. */
export async function writeSpans(
  spans: readonly KspanSpan[],
  options: SpanOutputOptions,
  printToo = false,
): Promise<number> {
  const out = await openSpanOutput(options, printToo);
  for (const s of spans) out.emit(s);
  return out.finish();
}
