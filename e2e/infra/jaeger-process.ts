import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { freePorts } from './free-port.ts';
import { httpOk, waitFor } from './wait-for.ts';

/** A Jaeger v2 all-in-one process with in-memory storage, listening on loopback only. */
export interface RunningJaeger {
  readonly otlpGrpcEndpoint: string;
  readonly otlpHttpEndpoint: string;
  readonly queryUrl: string;
  readonly logPath: string;
  stop(): Promise<void>;
}

/** Options for {@link startJaegerProcess}. */
export interface JaegerProcessOptions {
  readonly binary: string;
  /** Directory for the generated config and the log file. */
  readonly workDir: string;
  readonly readyTimeoutMs?: number;
}

/** Starts Jaeger on free loopback ports and waits until its query API answers. */
export async function startJaegerProcess(options: JaegerProcessOptions): Promise<RunningJaeger> {
  const [otlpGrpc, otlpHttp, queryHttp, queryGrpc, health] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const configPath = join(options.workDir, 'jaeger.yaml');
  const logPath = join(options.workDir, 'jaeger.log');
  await writeFile(configPath, jaegerConfig({ otlpGrpc, otlpHttp, queryHttp, queryGrpc, health }));

  await writeFile(logPath, '');
  const child = execa(options.binary, ['--config', `file:${configPath}`], {
    reject: false,
    stdin: 'ignore',
    stdout: { file: logPath, append: true },
    stderr: { file: logPath, append: true },
    cleanup: true,
  });
  const stop = () => stopChild(child);
  const queryUrl = `http://127.0.0.1:${queryHttp}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`jaeger exited (code ${child.exitCode}, signal ${child.signalCode})`);
        }
        return (await httpOk(`${queryUrl}/api/services`)) && (await httpOk(`http://127.0.0.1:${health}/status`));
      },
      { what: `Jaeger (${queryUrl})`, timeoutMs: options.readyTimeoutMs ?? 30_000 },
    );
  } catch (error) {
    await stop();
    const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
    throw new Error(`Jaeger did not become ready: ${(error as Error).message}\n--- ${logPath} (tail) ---\n${tail}`, {
      cause: error,
    });
  }
  return {
    otlpGrpcEndpoint: `http://127.0.0.1:${otlpGrpc}`,
    otlpHttpEndpoint: `http://127.0.0.1:${otlpHttp}`,
    queryUrl,
    logPath,
    stop,
  };
}

async function stopChild(child: ResultPromise): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await child;
  clearTimeout(killer);
}

interface JaegerPorts {
  readonly otlpGrpc: number;
  readonly otlpHttp: number;
  readonly queryHttp: number;
  readonly queryGrpc: number;
  readonly health: number;
}

/** An all-in-one config with memory storage, every listener on 127.0.0.1, no metrics port, no self-tracing. */
function jaegerConfig(ports: JaegerPorts): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: info
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: 127.0.0.1:${ports.health}
  jaeger_query:
    # On by default: it would send Jaeger's own spans to localhost:4317 (maybe someone else's
    # collector) and block shutdown while that fails.
    enable_tracing: false
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${ports.queryHttp}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${ports.otlpGrpc}
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}
