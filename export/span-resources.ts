import { KSPAN_VERSION } from '../common/version.ts';
import { parseResourceAttributes } from './resource-attributes-env.ts';

/** The cluster the spans describe (given or discovered: these win over `OTEL_RESOURCE_ATTRIBUTES`). */
export interface ClusterIdentity {
  /** `k8s.cluster.name`: `--cluster-name`, `$KSPAN_CLUSTER_NAME` (the chart's `clusterName`), or unset. */
  readonly name?: string;
  /** `k8s.cluster.uid`: the kube-system namespace's UID, read by `kspan run` (the semantic conventions' recommendation). */
  readonly uid?: string;
}

/** The resource of one reporting component: its attributes, in the order OTLP carries them. */
export interface ComponentResource {
  readonly attributes: Readonly<Record<string, string>>;
}

type Layer = readonly (readonly [string, string])[];

/**
 * The resources kspan's spans carry, one per reporting component.
 *
 * service.name policy: each span's service is the Kubernetes component that reported the event
 * (`kubelet`, `deployment-controller`, …), so a trace view colours spans by controller, as the Go kspan
 * does. Setting `OTEL_SERVICE_NAME`, or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, names one service for
 * every span instead; the component stays on each span as `kspan.component`. `service.namespace` is
 * `kubernetes` unless the environment says otherwise; every other `OTEL_RESOURCE_ATTRIBUTES` entry is
 * added to every resource (the environment wins over kspan's own values, as the SDK specification says).
 *
 * Plain attributes, not the SDK's `Resource`: the JSON outputs need no OpenTelemetry package (loading
 * `@opentelemetry/resources` and the incubating conventions cost about 0.3 s of every `-o otlp-json` start);
 * the gRPC export wraps these in SDK resources (export/to-readable-span.ts). The merge is the SDK's: the
 * later layer wins, and keys come in the order of the layer that gave them, the winning layer first.
 */
export class SpanResources {
  private readonly byComponent = new Map<string, ComponentResource>();
  /** Winning layer first: the cluster identity, then the environment, then kspan's defaults. */
  private readonly layers: Layer;
  /** Why `OTEL_RESOURCE_ATTRIBUTES` was ignored, when it was (the SDK ignores a malformed value silently). */
  readonly warning: string | undefined;

  constructor(cluster: ClusterIdentity = {}, detected: Layer = [], warning?: string) {
    const identity: [string, string][] = [];
    if (cluster.name !== undefined && cluster.name !== '') identity.push(['k8s.cluster.name', cluster.name]);
    if (cluster.uid !== undefined && cluster.uid !== '') identity.push(['k8s.cluster.uid', cluster.uid]);
    const defaults: Layer = [
      ['service.namespace', 'kubernetes'],
      ['service.version', KSPAN_VERSION],
    ];
    this.layers = [...identity, ...detected, ...defaults];
    this.warning = warning;
  }

  /**
   * Reads `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME` as the SDK's environment detector does (a
   * malformed `OTEL_RESOURCE_ATTRIBUTES` is ignored as a whole, and `warning` says why); the cluster name
   * falls back to `$KSPAN_CLUSTER_NAME`.
   */
  static fromEnvironment(cluster: ClusterIdentity = {}, env: NodeJS.ProcessEnv = process.env): SpanResources {
    const name = cluster.name ?? env.KSPAN_CLUSTER_NAME;
    const parsed = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
    const detected = new Map(parsed.ok ? parsed.attributes : []);
    const serviceName = env.OTEL_SERVICE_NAME;
    if (serviceName !== undefined && serviceName.trim() !== '') detected.set('service.name', serviceName);
    return new SpanResources(
      { ...cluster, ...(name !== undefined ? { name } : {}) },
      [...detected],
      parsed.ok ? undefined : `OTEL_RESOURCE_ATTRIBUTES ignored: ${parsed.problem}`,
    );
  }

  /** The resource of spans reported by `component` (one object per component). */
  forComponent(component: string): ComponentResource {
    let r = this.byComponent.get(component);
    if (r === undefined) {
      const attributes: Record<string, string> = {};
      for (const [k, v] of this.layers) attributes[k] ??= v;
      attributes['service.name'] ??= component;
      r = { attributes };
      this.byComponent.set(component, r);
    }
    return r;
  }
}

/** Resources without environment detection: a library default; commands pass `SpanResources.fromEnvironment()`. */
export const PLAIN_RESOURCES = new SpanResources();

/** The instrumentation scope kspan's spans carry. */
export const KSPAN_SCOPE = { name: 'kspan', version: KSPAN_VERSION } as const;
