import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { E2eBinaries } from './binary-cache.ts';
import { freePorts } from './free-port.ts';
import { kwokStagesFor } from './kubelet-wording.ts';

/** The kwok Stages that make fake nodes Ready and make pods emit the kubelet's events. */
export const kwokStagesPath = fileURLToPath(new URL('./kwok-stages.yaml', import.meta.url));

/** A kwokctl cluster of the binary runtime: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok as local processes. */
export interface KwokCluster {
  readonly name: string;
  readonly kubeconfigPath: string;
  /** kwokctl's directory for this cluster (component logs are under `logs/`). */
  readonly clusterDir: string;
  delete(): Promise<void>;
}

/** Options for {@link createKwokCluster}. */
export interface KwokClusterOptions {
  readonly binaries: E2eBinaries;
  readonly kubeVersion: string;
  /** kwokctl's work directory (KWOK_WORKDIR): nothing is written to ~/.kwok. */
  readonly workDir: string;
  readonly name: string;
  readonly timeoutMs?: number;
}

/**
 * Creates the cluster with every binary given explicitly, so kwokctl downloads nothing and the
 * only network used is loopback. Optional components (metrics-server, Prometheus, Jaeger,
 * dashboard) stay off; the controller manager and scheduler run.
 */
export async function createKwokCluster(options: KwokClusterOptions): Promise<KwokCluster> {
  const { binaries, workDir, name } = options;
  const kubeconfigPath = join(workDir, 'kubeconfig');
  const env = kwokctlEnv(binaries, workDir, options.kubeVersion);
  const timeout = options.timeoutMs ?? 120_000;
  const cluster: KwokCluster = {
    name,
    kubeconfigPath,
    clusterDir: join(workDir, 'clusters', name),
    delete: async () => {
      await execa(binaries.kwokctl, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfigPath], {
        env,
        reject: false,
        timeout: 60_000,
      });
    },
  };
  const kwokctlConfigPath = join(workDir, 'kwokctl.yaml');
  // The kubelet's messages as the chosen control plane's kubelet words them.
  const stagesPath = join(workDir, 'kwok-stages.yaml');
  await writeFile(stagesPath, await kwokStagesFor(kwokStagesPath, options.kubeVersion));
  const [apiserver, etcd, etcdPeer, controllerManager, scheduler, kwokController] = (await freePorts(6)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  await writeFile(
    kwokctlConfigPath,
    kwokctlConfiguration({ etcd, etcdPeer, controllerManager, scheduler, kwokController }),
  );
  const args = [
    'create',
    'cluster',
    '--name',
    name,
    '--runtime',
    'binary',
    '--config',
    kwokctlConfigPath,
    '--config',
    stagesPath,
    '--kubeconfig',
    kubeconfigPath,
    '--kube-apiserver-port',
    String(apiserver),
    '--etcd-binary',
    binaries.etcd,
    '--kube-apiserver-binary',
    binaries.kubeApiserver,
    '--kube-controller-manager-binary',
    binaries.kubeControllerManager,
    '--kube-scheduler-binary',
    binaries.kubeScheduler,
    '--kwok-controller-binary',
    binaries.kwok,
    '--quiet-pull',
    '--wait',
    `${Math.round(timeout / 1000)}s`,
  ];
  const result = await execa(binaries.kwokctl, args, { env, reject: false, timeout, all: true });
  if (result.failed) {
    await cluster.delete();
    throw new Error(
      `${result.shortMessage}\n${String(result.all ?? '')}\ncomponent logs: ${join(cluster.clusterDir, 'logs')}`,
    );
  }
  return cluster;
}

interface ComponentPorts {
  readonly etcd: number;
  readonly etcdPeer: number;
  readonly controllerManager: number;
  readonly scheduler: number;
  readonly kwokController: number;
}

/**
 * Every component listens on loopback only (kwokctl's default is 0.0.0.0), on kernel-chosen free
 * ports (kwokctl would count down from 32766, which races when two runs start at once).
 */
function kwokctlConfiguration(ports: ComponentPorts): string {
  return `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  etcdPort: ${ports.etcd}
  etcdPeerPort: ${ports.etcdPeer}
  kubeControllerManagerPort: ${ports.controllerManager}
  kubeSchedulerPort: ${ports.scheduler}
  kwokControllerPort: ${ports.kwokController}
`;
}

/** Environment for kwokctl: an isolated work dir, the pinned Kubernetes version, local binaries only. */
function kwokctlEnv(binaries: E2eBinaries, workDir: string, kubeVersion: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${binaries.dir}:${process.env.PATH ?? ''}`,
    KWOK_WORKDIR: workDir,
    KWOK_KUBE_VERSION: kubeVersion,
    KWOK_RUNTIME: 'binary',
  };
}
