import path from 'node:path';
import type { DeploymentSettings } from './deployment-settings.ts';
import { KspanProcess } from './kspan-process.ts';
import type { LoopbackKubeServer } from './loopback-kube-server.ts';
import type { OtlpReceiver } from './otlp-receiver.ts';
import { WorkloadWriter, type UnitKind } from './workload.ts';

/** Everything one scenario runs against, fresh for each scenario; `start` tracks what it starts for the teardown. */
export class ChaosContext {
  readonly server: LoopbackKubeServer;
  readonly receiver: OtlpReceiver;
  readonly settings: DeploymentSettings;
  readonly dir: string;
  readonly processes: KspanProcess[] = [];
  readonly workload: WorkloadWriter;
  /** Lines for the notes under the table. */
  readonly notes: string[] = [];
  /** Wall-clock ms when the fault ended: time to recover is how late spans arrived after it (or their due time). */
  faultEndAt: number | undefined;
  /** Set instead by SIGTERM rows: seconds from the signal to the process's exit (its flush). */
  flushSeconds: number | undefined;
  private readonly extraArgs: readonly string[];
  private readonly checkout: string | undefined;
  private readonly signal: AbortSignal;

  constructor(options: {
    server: LoopbackKubeServer;
    receiver: OtlpReceiver;
    settings: DeploymentSettings;
    dir: string;
    unit: UnitKind;
    extraArgs: readonly string[];
    signal: AbortSignal;
    checkout?: string;
  }) {
    this.checkout = options.checkout;
    this.server = options.server;
    this.receiver = options.receiver;
    this.settings = options.settings;
    this.dir = options.dir;
    this.extraArgs = options.extraArgs;
    this.signal = options.signal;
    this.workload = new WorkloadWriter(options.server.fake, options.unit);
  }

  /** Starts `kspan run` as pod `podName` (its bearer token is the same name, for per-client faults). */
  async start(podName: string): Promise<KspanProcess> {
    this.check();
    const p = await KspanProcess.start({
      settings: this.settings,
      kubeconfig: this.server.writeKubeconfig(this.dir, podName),
      otlpEndpoint: this.receiver.endpoint,
      podName,
      extraArgs: this.extraArgs,
      logFile: path.join(this.dir, `${podName}.log`),
      checkout: this.checkout,
    });
    this.processes.push(p);
    return p;
  }

  /** Sleeps, unless the scenario was aborted (timeout). */
  async sleep(ms: number): Promise<void> {
    this.check();
    await new Promise((r) => setTimeout(r, ms));
    this.check();
  }

  /** Polls `test` every 200 ms until it holds or `timeoutMs` passes; returns whether it held. */
  async until(test: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!test()) {
      if (performance.now() >= deadline) return false;
      await this.sleep(200);
    }
    return true;
  }

  /** Waits until `p` reports at least `n` events received (its /metrics), bounded. */
  async untilEventsReceived(p: KspanProcess, n: number, timeoutMs: number): Promise<boolean> {
    const ok = await this.until(() => (p.metric('kspan_events_received_total') ?? 0) >= n, timeoutMs);
    if (!ok) this.notes.push(`${p.name} had received ${p.metric('kspan_events_received_total') ?? 0} of ${n} events`);
    return ok;
  }

  /**
   * Waits (bounded) until `p` is ready and has fed every event it was delivered (`kspan_intake_events` 0): a replica
   * started during the row would keep running in a cluster, so the final SIGTERM must not cut its start short.
   */
  async untilCaughtUp(p: KspanProcess, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    try {
      await p.waitFor('/readyz', timeoutMs);
    } catch (err) {
      this.notes.push(`${p.name}: ${(err as Error).message}`);
      return;
    }
    const caughtUp = await this.until(
      () => (p.metric('kspan_intake_events') ?? 0) === 0,
      Math.max(0, deadline - performance.now()),
    );
    if (!caughtUp) this.notes.push(`${p.name} still had events to feed after ${timeoutMs / 1000} s`);
  }

  /** Marks the end of the fault: time to recover counts from now. */
  faultEnded(): void {
    this.faultEndAt = Date.now();
  }

  /** SIGTERMs `p` as the kubelet does (SIGKILL after the grace period); its exit time is the row's time to recover. */
  async terminate(p: KspanProcess, label = p.name): Promise<void> {
    const exit = await p.terminate(this.settings.terminationGraceMs);
    this.flushSeconds = exit.afterSignalMs / 1000;
    const how = exit.killedAfterGrace ? 'killed after the grace period' : `exit ${exit.code ?? exit.signal}`;
    this.notes.push(`${label} after SIGTERM: ${how} in ${this.flushSeconds.toFixed(1)} s`);
  }

  private check(): void {
    if (this.signal.aborted) throw new Error('scenario timed out');
  }
}
