import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries, type EnsureBinariesOptions } from './binary-cache.ts';
import type { E2eInfrastructure, StartedInfrastructure } from './e2e-infrastructure.ts';
import { fakeNodesManifest } from './fake-nodes.ts';
import { startJaegerProcess, type RunningJaeger } from './jaeger-process.ts';
import { createKubectlRunner } from './kubectl-runner.ts';
import { createKwokCluster, type KwokCluster } from './kwok-cluster.ts';
import { settleAll } from './settle-all.ts';
import { loadVersions } from './versions.ts';
import { waitFor } from './wait-for.ts';

/** Options for {@link LocalProcessInfrastructure}. */
export interface LocalProcessInfrastructureOptions extends EnsureBinariesOptions {
  /** Fake kwok nodes to register; default 2. */
  readonly nodes?: number;
  /** Keep the work directory (configs, component logs) after stop; default: KSPAN_E2E_KEEP=1. */
  readonly keepWorkDir?: boolean;
}

/**
 * Docker-free infrastructure: Jaeger and a kwok cluster (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, kwok) run as local processes on 127.0.0.1, from
 * binaries that build.sh compiled from source into a cache outside the repository.
 */
export class LocalProcessInfrastructure implements E2eInfrastructure {
  readonly runtime = 'local' as const;
  readonly #options: LocalProcessInfrastructureOptions;

  constructor(options: LocalProcessInfrastructureOptions = {}) {
    this.#options = options;
  }

  async start(): Promise<StartedInfrastructure> {
    const binaries = await ensureBinaries(this.#options);
    const versions = loadVersions();
    const workDir = await mkdtemp(join(tmpdir(), 'kspan-e2e-'));
    const keep = this.#options.keepWorkDir ?? process.env.KSPAN_E2E_KEEP === '1';
    let jaeger: RunningJaeger | undefined;
    let cluster: KwokCluster | undefined;
    let stopped: Promise<void> | undefined;
    const teardown = (keepFiles: boolean) => {
      stopped ??= (async () => {
        await Promise.allSettled([cluster?.delete(), jaeger?.stop()]);
        if (!keepFiles) await rm(workDir, { recursive: true, force: true });
      })();
      return stopped;
    };
    const stop = () => teardown(keep);
    try {
      // Both start in parallel; neither is left starting in the background if the other fails.
      await settleAll([
        startJaegerProcess({ binary: binaries.jaeger, workDir }).then((j) => (jaeger = j)),
        createKwokCluster({
          binaries,
          kubeVersion: versions.go.kubernetes.version,
          workDir,
          name: `kspan-e2e-${process.pid}-${Date.now().toString(36)}`,
        }).then((c) => (cluster = c)),
      ]);
      if (jaeger === undefined || cluster === undefined) throw new Error('unreachable');
      const kubectl = createKubectlRunner(binaries.kubectl, cluster.kubeconfigPath);
      await kubectl(['apply', '-f', '-'], { input: fakeNodesManifest(this.#options.nodes ?? 2) });
      await kubectl(['wait', '--for=condition=Ready', 'node', '--all', '--timeout=60s'], { timeoutMs: 70_000 });
      // Pods cannot be created before the controller manager has made the default ServiceAccount.
      await waitFor(() => kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name']), {
        what: 'the default ServiceAccount',
        timeoutMs: 60_000,
        intervalMs: 500,
      });
      const started: StartedInfrastructure = {
        runtime: 'local',
        kubeconfigPath: cluster.kubeconfigPath,
        jaegerOtlpGrpcEndpoint: jaeger.otlpGrpcEndpoint,
        jaegerQueryUrl: jaeger.queryUrl,
        kubectl,
        stop,
        [Symbol.asyncDispose]: stop,
      };
      return started;
    } catch (error) {
      // Keep the work directory: its logs (jaeger.log, clusters/*/logs) explain the failure.
      await teardown(true);
      throw new Error(
        `local e2e infrastructure failed to start (logs kept in ${workDir}): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
}
