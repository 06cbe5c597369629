import { Option, type Command } from 'commander';
import { Engine, type KspanSpan, type SpanSink } from '../core/index.ts';
import { parseDurationMs } from '../common/duration.ts';
import { OTLP_PROTOCOLS } from '../export/otlp-config.ts';
import { boundHeapSlack, capYoungGeneration } from './heap-growth.ts';
import { Progress } from './progress.ts';
import { CutShortInput, readInputLog, type InputFormat } from './read-input-log.ts';
import { openSpanOutput, otlpEndpointOf, type SpanOutputOptions } from './span-output.ts';
import { terminalSafe } from '../common/terminal-safe.ts';
import { DEFAULT_ENGINE_FLAGS } from '../common/engine-flags.ts';
import { readControllerRules } from '../common/controller-rules-file.ts';

/** Options of `kspan replay`. */
export interface ReplayOptions extends SpanOutputOptions {
  readonly window: string;
  readonly idle: string;
  readonly format: InputFormat;
  /** Controller rules files (`--controllers`): retarget rules of custom controllers. */
  readonly controllers?: readonly string[];
}

/**
 * Replays input log files through a fresh engine into `sink`, waiting on `ready` after each batch read (1 MiB)
 * so that the output keeps up; prints a diagnostics summary. Returns the number of records. A log cut short
 * (CutShortInput) is replayed up to the cut, the files after it too, and the engine closed, before it is thrown.
 */
export async function replayInto(
  files: readonly string[],
  options: Pick<ReplayOptions, 'window' | 'idle' | 'format' | 'controllers'>,
  sink: SpanSink & { readonly spanCount?: number },
  ready: () => Promise<void> = () => Promise.resolve(),
): Promise<number> {
  const windowMs = parseDurationMs(options.window, '--window');
  const idleMs = parseDurationMs(options.idle, '--idle');
  const { retargetRules } = await readControllerRules(options.controllers ?? []);
  const engine = new Engine({ windowMs, idleMs, sink, retargetRules });
  const progress = new Progress();
  let n = 0;
  let cut: CutShortInput | undefined;
  for (const file of files) {
    try {
      for await (const records of readInputLog(file, options.format)) {
        for (const record of records) engine.push(record);
        n += records.length;
        progress.tick(n, 'records replayed');
        await ready();
      }
    } catch (err) {
      if (!(err instanceof CutShortInput)) throw err;
      cut ??= err;
    }
  }
  engine.close();
  progress.done();
  if (n === 0)
    process.stderr.write(`kspan: no records in ${files.map((f) => terminalSafe(f)).join(', ')}; nothing to replay\n`);
  const counts = Object.entries(engine.diagnostics.counts);
  if (counts.length > 0) {
    process.stderr.write(
      `kspan: ${n} records, ${sink.spanCount ?? '?'} spans; diagnostics: ${counts.map(([k, v]) => `${k} ×${v}`).join(', ')}\n`,
    );
  }
  if (cut !== undefined) throw cut;
  return n;
}

/** Replays input log files through a fresh engine and returns every span (small inputs: scenarios, the demo). */
export async function replayFiles(
  files: readonly string[],
  options: Pick<ReplayOptions, 'window' | 'idle' | 'format' | 'controllers'>,
): Promise<KspanSpan[]> {
  const spans: KspanSpan[] = [];
  await replayInto(files, options, {
    emit: (s) => spans.push(s),
    get spanCount() {
      return spans.length;
    },
  });
  return spans;
}

/** Adds the shared output flags to a command. */
export function withOutputOptions(cmd: Command): Command {
  return cmd
    .option(
      '-o, --output <format>',
      'tree (readable trace trees), otlp-json (OTLP JSON Lines: one ExportTraceServiceRequest a line, as the Collector file exporter writes) or html (a timeline page)',
      'tree',
    )
    .option('-O, --output-file <file>', 'write the output to this file instead of standard output')
    .option(
      '--single-document',
      'with -o otlp-json: one ExportTraceServiceRequest for the whole log (holds every span)',
    )
    .option('--rules', 'show which correlation rule parented each span', false)
    .option('--no-times', 'leave span start offsets out of the tree')
    .option('--check <golden>', 'compare the tree with a golden file; exit 1 with a diff when they differ')
    .option('--update', 'with --check: rewrite the golden file instead of comparing', false)
    .option(
      '--otlp-endpoint <url>',
      'export over OTLP instead of printing; $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or $OTEL_EXPORTER_OTLP_ENDPOINT export as well as print',
    )
    .option('--otlp-insecure', 'use plaintext gRPC (implied by an http:// endpoint)', false)
    .option(
      '--otlp-headers <list>',
      'headers (gRPC metadata) as key=value,key2=value2, added to $OTEL_EXPORTER_OTLP_HEADERS',
    )
    .addOption(
      new Option(
        '--otlp-protocol <protocol>',
        'OTLP transport (default: $OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, $OTEL_EXPORTER_OTLP_PROTOCOL, then grpc)',
      ).choices(OTLP_PROTOCOLS),
    )
    .option('--cluster-name <name>', 'k8s.cluster.name on exported spans (default: $KSPAN_CLUSTER_NAME)');
}

/** `kspan replay <file>…` */
export function registerReplayCommand(program: Command): void {
  withOutputOptions(
    program
      .command('replay')
      .description(
        'replay input logs (NDJSON) or kspan capture files through the engine and print the trace trees as traces finish',
      )
      .argument(
        '<files...>',
        'input log files (.ndjson: one record a line) or kspan capture files (multi-document YAML), gzip-compressed or not; - reads standard input',
      )
      .option(
        '--window <duration>',
        'how long an event waits for its causes (delivery jitter + 1s)',
        DEFAULT_ENGINE_FLAGS.window,
      )
      .option('--idle <duration>', 'a trace with no new span for this long is finished', DEFAULT_ENGINE_FLAGS.idle)
      .addOption(new Option('--format <format>', 'input format').choices(['auto', 'ndjson', 'capture']).default('auto'))
      .option(
        '--controllers <file>',
        "a controller rules file (YAML; repeatable): how custom controllers' events name their children (docs/controllers.md)",
        (file: string, previous: string[] = []) => [...previous, file],
      ),
  ).action(async (files: string[], options: ReplayOptions) => {
    otlpEndpointOf(options); // a malformed endpoint fails before the input is read
    boundHeapSlack();
    capYoungGeneration();
    const out = await openSpanOutput({ title: files.join(' '), ...options });
    // A log cut short: what was before the cut is written out (and checked) before kspan says so and exits 2.
    const cut = await replayInto(files, options, out, () => out.ready()).then(
      () => undefined,
      (err: unknown) => {
        if (err instanceof CutShortInput) return err;
        throw err;
      },
    );
    process.exitCode = await out.finish();
    if (cut !== undefined) throw cut;
  });
}
