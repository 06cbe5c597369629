import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { E2eInfrastructure, StartedInfrastructure } from './e2e-infrastructure.ts';
import { createClusterApi } from './cluster-api.ts';
import { settleAll } from './settle-all.ts';
import { loadVersions } from './versions.ts';

const otlpGrpcPort = 4317;
const queryPort = 16686;

/** Options for {@link ContainerInfrastructure}. */
export interface ContainerInfrastructureOptions {
  /** The kind binary; default KSPAN_E2E_KIND or `kind` on PATH. */
  readonly kindBinary?: string;
}

/**
 * Infrastructure on a Docker engine: Jaeger (pinned image) through testcontainers, and a real
 * single-node Kubernetes cluster through kind (pinned node image), so the kubelet's events are the
 * real ones.
 */
export class ContainerInfrastructure implements E2eInfrastructure {
  readonly runtime = 'containers' as const;
  readonly #kind: string;

  constructor(options: ContainerInfrastructureOptions = {}) {
    this.#kind = options.kindBinary ?? process.env.KSPAN_E2E_KIND ?? 'kind';
  }

  async start(): Promise<StartedInfrastructure> {
    const minor = process.env.KSPAN_E2E_KUBE_MINOR;
    if (minor !== undefined && minor !== '') {
      throw new Error(
        `KSPAN_E2E_KUBE_MINOR=${minor} selects an older control plane built from source, which only the local runtime runs (KSPAN_E2E_INFRA=local)`,
      );
    }
    const versions = loadVersions();
    const workDir = await mkdtemp(join(tmpdir(), 'kspan-e2e-kind-'));
    const kubeconfigPath = join(workDir, 'kubeconfig');
    const clusterName = `kspan-e2e-${Date.now().toString(36)}`;
    let jaeger: StartedTestContainer | undefined;
    let clusterCreated = false;
    let stopped: Promise<void> | undefined;
    const stop = () => {
      stopped ??= (async () => {
        await Promise.allSettled([
          jaeger?.stop(),
          clusterCreated
            ? execa(this.#kind, ['delete', 'cluster', '--name', clusterName], { reject: false })
            : undefined,
        ]);
        await rm(workDir, { recursive: true, force: true });
      })();
      return stopped;
    };
    try {
      await settleAll([
        new GenericContainer(versions.containers.jaegerImage)
          .withExposedPorts(otlpGrpcPort, queryPort)
          .withWaitStrategy(Wait.forHttp('/api/services', queryPort).forStatusCode(200))
          .start()
          .then((c) => (jaeger = c)),
        this.#createKindCluster(clusterName, versions.containers.kindNodeImage, kubeconfigPath).then(
          () => (clusterCreated = true),
          async (error: unknown) => {
            // kind may leave a half-made cluster behind.
            await execa(this.#kind, ['delete', 'cluster', '--name', clusterName], { reject: false });
            throw error;
          },
        ),
      ]);
      if (jaeger === undefined) throw new Error('unreachable');
      const api = createClusterApi(kubeconfigPath);
      await api.waitForServiceAccount('default', 'default', 60_000);
      const host = jaeger.getHost();
      return {
        runtime: 'containers',
        kubeconfigPath,
        jaegerOtlpGrpcEndpoint: `http://${host}:${jaeger.getMappedPort(otlpGrpcPort)}`,
        jaegerQueryUrl: `http://${host}:${jaeger.getMappedPort(queryPort)}`,
        cluster: api,
        kubeVersion: await api.serverVersion(),
        stop,
        [Symbol.asyncDispose]: stop,
      };
    } catch (error) {
      await stop();
      throw new Error(`container e2e infrastructure failed to start: ${(error as Error).message}`, { cause: error });
    }
  }

  async #createKindCluster(name: string, nodeImage: string, kubeconfigPath: string): Promise<void> {
    const create = await execa(
      this.#kind,
      ['create', 'cluster', '--name', name, '--image', nodeImage, '--kubeconfig', kubeconfigPath, '--wait', '180s'],
      { reject: false, all: true, timeout: 300_000 },
    );
    if (create.failed) {
      const hint =
        create.code === 'ENOENT'
          ? ` (install kind ${loadVersions().containers.kindVersion} or set KSPAN_E2E_KIND)`
          : '';
      throw new Error(`${create.shortMessage}${hint}\n${String(create.all ?? '')}`);
    }
    // --kubeconfig already wrote it; asking kind again verifies the cluster is registered.
    const kubeconfig = await execa(this.#kind, ['get', 'kubeconfig', '--name', name], { reject: false });
    if (kubeconfig.failed) throw new Error(`${kubeconfig.shortMessage}\n${String(kubeconfig.stderr)}`);
  }
}
