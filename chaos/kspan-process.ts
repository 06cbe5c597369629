import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { DeploymentSettings } from './deployment-settings.ts';

/** How a `kspan run` process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** ms from the signal that ended it (SIGTERM or SIGKILL) to its exit. */
  readonly afterSignalMs: number;
  /** True when it outlived its grace period and was killed. */
  readonly killedAfterGrace: boolean;
}

/** Options of one `kspan run` process. */
export interface KspanProcessOptions {
  readonly settings: DeploymentSettings;
  readonly kubeconfig: string;
  readonly otlpEndpoint: string;
  /** POD_NAME: the leader-election identity (a restarted container keeps its pod's name). */
  readonly podName: string;
  /** Flags added after the Deployment's (e.g. `--idle=10s`). */
  readonly extraArgs?: readonly string[];
  readonly logFile: string;
  /** The checkout whose `cli/main.ts` runs (default: this one). */
  readonly checkout?: string;
}

/** The checkout the suite belongs to. */
export const THIS_CHECKOUT = path.join(import.meta.dirname, '..');
const LIVE = new Set<ChildProcess>();

/** SIGKILLs every `kspan run` the suite started and that still runs (also called on the harness's own exit). */
export function killAll(): void {
  for (const child of LIVE) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  LIVE.clear();
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `node cli/main.ts run` as the shipped Deployment runs it (its args and environment, the metrics address moved to
 * loopback), with its peak RSS sampled from /proc, its /metrics scraped every second and its log kept in a file.
 */
export class KspanProcess {
  readonly name: string;
  readonly metricsUrl: string;
  /** Highest VmHWM seen, in bytes. */
  peakRssBytes = 0;
  /** The last /metrics answer, parsed: `name{labels}` → value. */
  lastMetrics = new Map<string, number>();
  private readonly child: ChildProcess;
  private readonly exited: Promise<ProcessExit>;
  private readonly log: fs.WriteStream;
  private readonly timers: NodeJS.Timeout[] = [];
  private signalAt = 0;
  private killedAfterGrace = false;

  private constructor(options: KspanProcessOptions, port: number) {
    this.name = options.podName;
    this.metricsUrl = `http://127.0.0.1:${port}`;
    const args = options.settings.args.map((a) =>
      a.startsWith('--metrics-addr') ? `--metrics-addr=127.0.0.1:${port}` : a,
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env))
      if (!k.startsWith('OTEL_') && k !== 'KUBECONFIG' && k !== 'NODE_OPTIONS') env[k] = v;
    Object.assign(env, options.settings.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
      POD_NAME: options.podName,
      POD_NAMESPACE: 'kspan',
      KUBECONFIG: options.kubeconfig,
    });
    this.log = fs.createWriteStream(options.logFile, { flags: 'a' });
    const main = path.join(options.checkout ?? THIS_CHECKOUT, 'cli', 'main.ts');
    // Diagnosis only (heap snapshots, GC traces): node flags from the harness's environment, before the script.
    const nodeArgs = (process.env.KSPAN_CHAOS_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
    this.child = spawn(process.execPath, [...nodeArgs, main, ...args, ...(options.extraArgs ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    LIVE.add(this.child);
    this.child.stdout?.pipe(this.log, { end: false });
    this.child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        LIVE.delete(this.child);
        for (const t of this.timers) clearInterval(t);
        this.sampleRss();
        resolve({
          code,
          signal,
          afterSignalMs: this.signalAt === 0 ? 0 : performance.now() - this.signalAt,
          killedAfterGrace: this.killedAfterGrace,
        });
      }),
    );
    this.timers.push(setInterval(() => this.sampleRss(), 200));
    this.timers.push(setInterval(() => void this.scrape(), 1000));
  }

  /** Starts the process; resolves once /healthz answers (it listens before it lists), rejects if it exits first. */
  static async start(options: KspanProcessOptions): Promise<KspanProcess> {
    const p = new KspanProcess(options, await freePort());
    await p.waitFor('/healthz', 60_000);
    return p;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the process has exited. */
  get exit(): Promise<ProcessExit> {
    return this.exited;
  }

  /** Waits until a status path answers 200; rejects after `timeoutMs` or when the process exits. */
  async waitFor(statusPath: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before ${statusPath} answered 200`);
      try {
        const res = await fetch(`${this.metricsUrl}${statusPath}`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name}: ${statusPath} did not answer 200 within ${timeoutMs} ms`);
  }

  /** Sum of a metric over its labels in the last scrape (undefined if never seen). */
  metric(name: string, labelFilter = ''): number | undefined {
    let sum: number | undefined;
    for (const [series, value] of this.lastMetrics) {
      const base = series.split('{')[0];
      if (base === name && series.includes(labelFilter)) sum = (sum ?? 0) + value;
    }
    return sum;
  }

  /** Scrapes /metrics now (also done every second). */
  async scrape(): Promise<void> {
    if (!this.running) return;
    try {
      const res = await fetch(`${this.metricsUrl}/metrics`, { signal: AbortSignal.timeout(3000) });
      if (res.status !== 200) return;
      const parsed = new Map<string, number>();
      for (const line of (await res.text()).split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const at = line.lastIndexOf(' ');
        const value = Number(line.slice(at + 1));
        if (Number.isFinite(value)) parsed.set(line.slice(0, at), value);
      }
      this.lastMetrics = parsed;
    } catch {
      // busy or gone: keep the last answer
    }
  }

  /** SIGTERM, then SIGKILL when the grace period passes (what the kubelet does); resolves with the exit. */
  async terminate(graceMs: number): Promise<ProcessExit> {
    if (!this.running) return this.exited;
    await this.scrape();
    this.signalAt = performance.now();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.killedAfterGrace = true;
      this.child.kill('SIGKILL');
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** kill -9. */
  async kill(): Promise<ProcessExit> {
    if (!this.running) return this.exited;
    this.signalAt = performance.now();
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Closes the log file (after exit). */
  async closeLog(): Promise<void> {
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private sampleRss(): void {
    if (this.child.pid === undefined) return;
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      this.peakRssBytes = Math.max(this.peakRssBytes, kb * 1024);
    } catch {
      // exited
    }
  }
}
