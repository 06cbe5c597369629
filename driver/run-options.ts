import fs from 'node:fs';
import type { RetargetRule } from '../core/index.ts';
import os from 'node:os';
import { parseDurationMs } from '../common/duration.ts';
import { UserError } from '../common/user-error.ts';
import { resolveOtlpConfig, type OtlpConfig } from '../export/otlp-config.ts';
import { parseHeaders } from '../export/parse-headers.ts';
import { LOG_LEVELS, type LogLevel } from './logger.ts';

/** The flags of `kspan run`, as commander hands them over. */
export interface RunFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly window: string;
  readonly idle: string;
  readonly otlpEndpoint?: string;
  readonly otlpInsecure?: boolean;
  readonly otlpHeadersFile?: string;
  readonly otlpProtocol?: string;
  readonly clusterName?: string;
  readonly record?: string;
  readonly namespace: string[];
  readonly excludeNamespace: string[];
  readonly kinds?: string;
  readonly eventTypes?: string;
  readonly leaderElect?: boolean;
  readonly leaseNamespace?: string;
  readonly leaseName: string;
  readonly metricsAddr: string;
  readonly logLevel: string;
  readonly maxQueueSize?: string;
  readonly maxQueueBytes: string;
  readonly shutdownGrace: string;
  readonly ui?: boolean;
  readonly uiMaxSpans?: string;
}

/** Validated settings of a production run. */
export interface RunOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly windowMs: number;
  readonly idleMs: number;
  /** Resolved from the flags and the OpenTelemetry exporter variables. */
  readonly otlp: OtlpConfig;
  /** `k8s.cluster.name` (`--cluster-name`; `$KSPAN_CLUSTER_NAME` is read with the resource). */
  readonly clusterName?: string;
  readonly record?: string;
  readonly namespaces: string[];
  readonly excludeNamespaces: string[];
  readonly kinds: string[];
  readonly eventTypes: string[];
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly identity: string;
  /** The pod's IP (`POD_IP`, the downward API): where the next leader reaches this replica's status port. */
  readonly podIp?: string;
  readonly metricsAddr: string;
  readonly logLevel: LogLevel;
  /** Spans held for export at most (an extra bound; the byte bound is the main one). */
  readonly maxQueueSize?: number;
  readonly maxQueueBytes: number;
  /** SIGTERM to exit: keep below the Pod's terminationGracePeriodSeconds. */
  readonly shutdownGraceMs: number;
  /** Serve the HTML report of recent traces at /ui on the status port, holding at most this many spans (off: undefined). */
  readonly uiMaxSpans?: number;
  /** Retarget rules of custom controllers (`--controllers` files). */
  readonly retargetRules?: readonly RetargetRule[];
}

/** `--shutdown-grace` default: below the Deployment's terminationGracePeriodSeconds (30 s), which a test checks. */
export const DEFAULT_SHUTDOWN_GRACE = '25s';

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Checks the flags and resolves their defaults; throws `UserError`s that name the flag. */
export function parseRunOptions(flags: RunFlags, env: NodeJS.ProcessEnv = process.env): RunOptions {
  const list = (text: string | undefined): string[] =>
    (text ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (!(LOG_LEVELS as readonly string[]).includes(flags.logLevel)) {
    throw new UserError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(flags.logLevel)}`);
  }
  const eventTypes = list(flags.eventTypes);
  for (const t of eventTypes) {
    if (!/^(normal|warning)$/i.test(t))
      throw new UserError(`--event-types: expected Normal and/or Warning, got ${JSON.stringify(t)}`);
  }
  const maxQueueSize = flags.maxQueueSize === undefined ? undefined : Number(flags.maxQueueSize);
  if (maxQueueSize !== undefined && (!Number.isInteger(maxQueueSize) || maxQueueSize <= 0))
    throw new UserError(`--max-queue-size: expected a positive integer, got ${JSON.stringify(flags.maxQueueSize)}`);
  const maxQueueBytes = parseBytes(flags.maxQueueBytes, '--max-queue-bytes');
  const uiMaxSpans = Number(flags.uiMaxSpans ?? DEFAULT_UI_MAX_SPANS);
  if (!Number.isInteger(uiMaxSpans) || uiMaxSpans <= 0)
    throw new UserError(`--ui-max-spans: expected a positive integer, got ${JSON.stringify(flags.uiMaxSpans)}`);
  if (flags.uiMaxSpans !== undefined && flags.ui !== true)
    throw new UserError('--ui-max-spans needs --ui (the page of recent traces is off by default)');
  let headers: Record<string, string> = {};
  if (flags.otlpHeadersFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(flags.otlpHeadersFile, 'utf8');
    } catch (err) {
      throw new UserError(
        `--otlp-headers-file: cannot read ${flags.otlpHeadersFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); mount the secret there or drop the flag`,
      );
    }
    // key=value pairs, separated by commas or newlines (the OTEL_EXPORTER_OTLP_HEADERS form); # starts a comment
    headers = parseHeaders(
      text
        .split('\n')
        .filter((l) => !l.trim().startsWith('#'))
        .join('\n'),
    );
  }
  const otlp = resolveOtlpConfig(
    {
      ...(flags.otlpEndpoint !== undefined ? { endpoint: flags.otlpEndpoint } : {}),
      ...(flags.otlpProtocol !== undefined ? { protocol: flags.otlpProtocol } : {}),
      insecure: flags.otlpInsecure === true,
      headers,
    },
    env,
  );
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    windowMs: parseDurationMs(flags.window, '--window'),
    idleMs: parseDurationMs(flags.idle, '--idle'),
    otlp,
    ...(flags.clusterName !== undefined ? { clusterName: flags.clusterName } : {}),
    record: flags.record,
    namespaces: flags.namespace,
    excludeNamespaces: flags.excludeNamespace,
    kinds: list(flags.kinds),
    eventTypes,
    leaderElect: flags.leaderElect === true,
    leaseNamespace: flags.leaseNamespace ?? env.POD_NAMESPACE ?? readFile(SA_NAMESPACE_FILE) ?? 'default',
    leaseName: flags.leaseName,
    identity: env.POD_NAME ?? `${os.hostname()}-${process.pid}`,
    ...(env.POD_IP === undefined || env.POD_IP === '' ? {} : { podIp: env.POD_IP }),
    metricsAddr: flags.metricsAddr,
    logLevel: flags.logLevel as LogLevel,
    maxQueueSize,
    maxQueueBytes,
    shutdownGraceMs: parseDurationMs(flags.shutdownGrace, '--shutdown-grace'),
    ...(flags.ui === true ? { uiMaxSpans } : {}),
  };
}

/** Spans `--ui` keeps for its page by default: whole recent traces, about 10 MB. */
export const DEFAULT_UI_MAX_SPANS = 5000;

const BYTE_UNITS: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** `67108864`, `64Mi`, `512Ki`, `1Gi` → bytes (Kubernetes quantity suffixes). */
export function parseBytes(text: string, flag: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(text.trim());
  const n = m === null ? Number.NaN : Number(m[1]) * (BYTE_UNITS[m[2] ?? ''] as number);
  if (!Number.isSafeInteger(n) || n < 1024)
    throw new UserError(`${flag}: expected a size of at least 1Ki, e.g. 64Mi, got ${JSON.stringify(text)}`);
  return n;
}

function readFile(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
