export type { E2eInfrastructure, InfrastructureRuntime, StartedInfrastructure } from './e2e-infrastructure.ts';
export { ContainerInfrastructure, type ContainerInfrastructureOptions } from './container-infrastructure.ts';
export {
  kubeMinorEnvVar,
  LocalProcessInfrastructure,
  type LocalProcessInfrastructureOptions,
} from './local-process-infrastructure.ts';
export { createInfrastructure, startInfrastructure } from './create-infrastructure.ts';
export { detectRuntime, dockerInfoProbe, runtimeEnvVar, type DockerProbe } from './detect-runtime.ts';
export { ensureBinaries, type E2eBinaries } from './binary-cache.ts';
export { createClusterApi, type AccessQuestion, type ClusterApi } from './cluster-api.ts';
export { kubeVersionFor, loadVersions, type E2eVersions } from './versions.ts';
export { waitFor, type WaitForOptions } from './wait-for.ts';
