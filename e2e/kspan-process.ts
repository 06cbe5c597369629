import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './infra/wait-for.ts';

/** Options of a `kspan run` child process. */
export interface KspanProcessOptions {
  readonly kubeconfig: string;
  readonly otlpEndpoint: string;
  readonly recordPath: string;
  readonly metricsPort: number;
  /** The engine's window and idle time, as `kspan run` flags (e.g. `5s`, `10s`). */
  readonly window: string;
  readonly idle: string;
}

/** kspan's real production entrypoint (`kspan run`) as a child process. */
export class KspanProcess {
  readonly child: ChildProcess;
  readonly metricsUrl: string;
  private readonly exited: Promise<number | null>;
  private log = '';

  private constructor(child: ChildProcess, metricsPort: number) {
    this.child = child;
    this.metricsUrl = `http://127.0.0.1:${metricsPort}`;
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Starts `kspan run` and waits until /readyz answers 200 (the initial lists have synced). */
  static async start(o: KspanProcessOptions): Promise<KspanProcess> {
    const main = join(import.meta.dirname, '..', 'cli', 'main.ts');
    const args = [
      main,
      'run',
      '--kubeconfig',
      o.kubeconfig,
      '--otlp-endpoint',
      o.otlpEndpoint,
      '--record',
      o.recordPath,
      '--metrics-addr',
      `127.0.0.1:${o.metricsPort}`,
      '--window',
      o.window,
      '--idle',
      o.idle,
      '--log-level',
      'info',
    ];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    });
    const p = new KspanProcess(child, o.metricsPort);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`kspan run exited with ${child.exitCode}:\n${p.output}`);
          const res = await fetch(`${p.metricsUrl}/readyz`);
          if (res.status !== 200) throw new Error(`/readyz answered ${res.status}`);
          return true;
        },
        { what: 'kspan run to be ready', timeoutMs: 60_000, intervalMs: 500 },
      );
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return p;
  }

  /** Everything the process printed (JSON logs). */
  get output(): string {
    return this.log;
  }

  /** One Prometheus counter's value (summed over its labels). */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.metricsUrl}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  /** SIGTERM: kspan flushes open spans, exports them and exits; resolves with the exit code. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
