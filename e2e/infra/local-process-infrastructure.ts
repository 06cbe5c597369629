import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries, type EnsureBinariesOptions } from './binary-cache.ts';
import { createClusterApi } from './cluster-api.ts';
import type { E2eInfrastructure, StartedInfrastructure } from './e2e-infrastructure.ts';
import { fakeNodesManifest } from './fake-nodes.ts';
import { startJaegerProcess, type RunningJaeger } from './jaeger-process.ts';
import { createKwokCluster, type KwokCluster } from './kwok-cluster.ts';
import { settleAll } from './settle-all.ts';
import { kubeVersionFor } from './versions.ts';

/** Options for {@link LocalProcessInfrastructure}. */
export interface LocalProcessInfrastructureOptions extends EnsureBinariesOptions {
  /** Fake kwok nodes to register; default 2. */
  readonly nodes?: number;
  /** Keep the work directory (configs, component logs) after stop; default: KSPAN_E2E_KEEP=1. */
  readonly keepWorkDir?: boolean;
}

/** The environment variable that selects an older control plane (versions.json `.minors`), e.g. `1.27`. */
export const kubeMinorEnvVar = 'KSPAN_E2E_KUBE_MINOR';

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
    const envMinor = process.env[kubeMinorEnvVar];
    const kubeMinor = this.#options.kubeMinor ?? (envMinor !== undefined && envMinor !== '' ? envMinor : undefined);
    const kubeVersion = kubeVersionFor(kubeMinor);
    const binaries = await ensureBinaries({ ...this.#options, kubeMinor });
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
          kubeVersion,
          workDir,
          name: `kspan-e2e-${process.pid}-${Date.now().toString(36)}`,
        }).then((c) => (cluster = c)),
      ]);
      if (jaeger === undefined || cluster === undefined) throw new Error('unreachable');
      const api = createClusterApi(cluster.kubeconfigPath);
      await api.apply(fakeNodesManifest(this.#options.nodes ?? 2));
      await api.waitForNodesReady(this.#options.nodes ?? 2, 60_000);
      // Pods cannot be created before the controller manager has made the default ServiceAccount.
      await api.waitForServiceAccount('default', 'default', 60_000);
      const served = await api.serverVersion();
      if (served !== kubeVersion) throw new Error(`the API server reports ${served}, expected ${kubeVersion}`);
      const started: StartedInfrastructure = {
        runtime: 'local',
        kubeconfigPath: cluster.kubeconfigPath,
        jaegerOtlpGrpcEndpoint: jaeger.otlpGrpcEndpoint,
        jaegerQueryUrl: jaeger.queryUrl,
        cluster: api,
        kubeVersion: served,
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
