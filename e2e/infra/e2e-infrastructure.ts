import type { ClusterApi } from './cluster-api.ts';

/** Which implementation provides the e2e cluster and trace backend. */
export type InfrastructureRuntime = 'local' | 'containers';

/** A running cluster plus Jaeger; `stop()` (or `await using`) tears both down. */
export interface StartedInfrastructure extends AsyncDisposable {
  readonly runtime: InfrastructureRuntime;
  /** A kubeconfig file whose current context is the test cluster (admin credentials). */
  readonly kubeconfigPath: string;
  /** Jaeger's OTLP/gRPC receiver as a plaintext URL, e.g. `http://127.0.0.1:4317`. */
  readonly jaegerOtlpGrpcEndpoint: string;
  /** Base URL of Jaeger's query service (HTTP API and UI), e.g. `http://127.0.0.1:16686`. */
  readonly jaegerQueryUrl: string;
  /** The cluster's API with the admin credentials of `kubeconfigPath`. */
  readonly cluster: ClusterApi;
  /** The control plane's version as its API server reports it (`/version` gitVersion), e.g. `v1.36.1`. */
  readonly kubeVersion: string;
  /** Tears everything down; safe to call more than once. */
  stop(): Promise<void>;
}

/** Something that can bring up a cluster and Jaeger for an e2e run. */
export interface E2eInfrastructure {
  readonly runtime: InfrastructureRuntime;
  /** Starts everything and waits until it is ready; cleans up after itself if that fails. */
  start(): Promise<StartedInfrastructure>;
}
