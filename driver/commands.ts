import { Option, type Command } from 'commander';
import { UserError } from '../common/user-error.ts';
import { readControllerRules } from '../common/controller-rules-file.ts';
import { DEFAULT_ENGINE_FLAGS } from '../common/engine-flags.ts';
import { OTLP_PROTOCOLS } from '../export/otlp-config.ts';
import type { ProductionRun } from './production-run.ts';
import { DEFAULT_SHUTDOWN_GRACE, DEFAULT_UI_MAX_SPANS, parseRunOptions, type RunFlags } from './run-options.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Adds `kspan run`: watch a live cluster and export spans over OTLP/gRPC. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      "watch a live cluster's Events and export them as traces over OTLP, gRPC or HTTP (production mode; SIGTERM flushes everything held, exits 0 when nothing was lost, 1 otherwise)",
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster ServiceAccount)',
    )
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option(
      '--window <duration>',
      'how long an event waits for its causes (delivery jitter + 1s)',
      DEFAULT_ENGINE_FLAGS.window,
    )
    .option(
      '--idle <duration>',
      'a trace with no new span for this long is finished and exported',
      DEFAULT_ENGINE_FLAGS.idle,
    )
    .option(
      '--otlp-endpoint <url>',
      'OTLP/gRPC endpoint, e.g. http://jaeger-collector:4317 (default: $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or $OTEL_EXPORTER_OTLP_ENDPOINT)',
    )
    .option('--otlp-insecure', 'plaintext gRPC (implied by an http:// endpoint); TLS otherwise', false)
    .addOption(
      new Option(
        '--otlp-protocol <protocol>',
        'OTLP transport (default: $OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, $OTEL_EXPORTER_OTLP_PROTOCOL, then grpc)',
      ).choices(OTLP_PROTOCOLS),
    )
    .option('--cluster-name <name>', 'k8s.cluster.name on every span (default: $KSPAN_CLUSTER_NAME)')
    .option(
      '--otlp-headers-file <file>',
      'gRPC headers as key=value lines, e.g. a mounted Secret (added to $OTEL_EXPORTER_OTLP_HEADERS; never logged)',
    )
    .option(
      '--record <file>',
      'also write every input record fed to the engine as NDJSON, for `kspan replay` later (gzip-compressed when the name ends in .gz, flushed each second)',
    )
    .option('--namespace <ns>', 'only events in this namespace (repeatable; default: all)', collect, [])
    .option('--exclude-namespace <ns>', 'ignore events in this namespace (repeatable)', collect, [])
    .option('--kinds <list>', 'only events whose involved object is one of these kinds, e.g. Pod,Deployment')
    .option('--event-types <list>', 'only these event types: Normal, Warning')
    .option(
      '--leader-elect',
      'elect a leader through a coordination.k8s.io Lease; only the leader exports, followers keep watching (warm)',
      false,
    )
    .option(
      '--lease-namespace <ns>',
      'namespace of the Lease (default: $POD_NAMESPACE, then the ServiceAccount namespace)',
    )
    .option('--lease-name <name>', 'name of the Lease', 'kspan')
    .option('--metrics-addr <addr>', 'listen address of /metrics, /healthz and /readyz', ':9090')
    .option(
      '--max-queue-bytes <size>',
      'spans (estimated bytes) held for export while the endpoint is slow or down; above half of it intake pauses, beyond it spans are dropped and counted',
      '64Mi',
    )
    .option('--max-queue-size <n>', 'also bound the spans held for export by number (default: bytes only)')
    .option(
      '--shutdown-grace <duration>',
      "SIGTERM to exit, flushing every span held; keep below the Pod's terminationGracePeriodSeconds",
      DEFAULT_SHUTDOWN_GRACE,
    )
    .option(
      '--ui',
      'also serve /ui on the --metrics-addr port: the HTML timeline of the most recent traces (off by default: it shows event messages to whoever reaches the port)',
      false,
    )
    .option('--ui-max-spans <n>', `spans of recent traces /ui keeps (default ${DEFAULT_UI_MAX_SPANS})`)
    .option('--log-level <level>', 'debug, info, warn or error (JSON lines on stderr)', 'info')
    .option(
      '--controllers <file>',
      "a controller rules file (YAML; repeatable): how custom controllers' events name their children (docs/controllers.md)",
      collect,
      [],
    )
    .action(async (flags: RunFlags & { controllers: string[] }) => {
      const { retargetRules } = await readControllerRules(flags.controllers);
      const options = { ...parseRunOptions(flags), retargetRules };
      let run: ProductionRun;
      try {
        // Loaded on demand: the Kubernetes client and gRPC would slow every other command's start-up.
        const { ProductionRun: Run } = await import('./production-run.ts');
        run = await Run.start(options);
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw new UserError((err as Error).message, 1);
      }
      const lost = await new Promise<number>((resolve) => {
        const onSignal = (signal: string): void => {
          run.logger.info('received signal; flushing (a second one exits at once)', { signal });
          process.once('SIGTERM', () => process.exit(1));
          process.once('SIGINT', () => process.exit(1));
          run.stop().then(
            (summary) => resolve(summary.lostSpans),
            (err: unknown) => {
              run.logger.error('shutdown failed', { error: (err as Error).message });
              resolve(1);
            },
          );
        };
        process.once('SIGTERM', () => onSignal('SIGTERM'));
        process.once('SIGINT', () => onSignal('SIGINT'));
      });
      // Exit now: idle keep-alive sockets (API server, gRPC channel) would otherwise hold the process open.
      process.exit(lost > 0 ? 1 : 0);
    });
}
