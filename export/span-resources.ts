import { detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_NAMESPACE, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { ATTR_K8S_CLUSTER_NAME, ATTR_K8S_CLUSTER_UID } from '@opentelemetry/semantic-conventions/incubating';
import { KSPAN_VERSION } from '../common/version.ts';

/** The cluster the spans describe (given or discovered: these win over `OTEL_RESOURCE_ATTRIBUTES`). */
export interface ClusterIdentity {
  /** `k8s.cluster.name`: `--cluster-name`, `$KSPAN_CLUSTER_NAME` (the chart's `clusterName`), or unset. */
  readonly name?: string;
  /** `k8s.cluster.uid`: the kube-system namespace's UID, read by `kspan run` (the semantic conventions' recommendation). */
  readonly uid?: string;
}

/**
 * The resources kspan's spans carry, one per reporting component.
 *
 * service.name policy: each span's service is the Kubernetes component that reported the event
 * (`kubelet`, `deployment-controller`, …), so a trace view colours spans by controller, as the Go kspan
 * does. Setting `OTEL_SERVICE_NAME`, or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, names one service for
 * every span instead; the component stays on each span as `kspan.component`. `service.namespace` is
 * `kubernetes` unless the environment says otherwise; every other `OTEL_RESOURCE_ATTRIBUTES` entry is
 * added to every resource (the environment wins over kspan's own values, as the SDK specification says).
 */
export class SpanResources {
  private readonly byComponent = new Map<string, Resource>();
  /** kspan's defaults, then what the environment detector found, then the cluster identity given or discovered. */
  private readonly layers: Resource;

  constructor(cluster: ClusterIdentity = {}, detected: Resource = resourceFromAttributes({})) {
    const defaults = resourceFromAttributes({
      [ATTR_SERVICE_NAMESPACE]: 'kubernetes',
      [ATTR_SERVICE_VERSION]: KSPAN_VERSION,
    });
    const identity = resourceFromAttributes({
      ...(cluster.name !== undefined && cluster.name !== '' ? { [ATTR_K8S_CLUSTER_NAME]: cluster.name } : {}),
      ...(cluster.uid !== undefined && cluster.uid !== '' ? { [ATTR_K8S_CLUSTER_UID]: cluster.uid } : {}),
    });
    this.layers = defaults.merge(detected).merge(identity);
  }

  /**
   * Reads `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME` through the SDK's environment detector;
   * the cluster name falls back to `$KSPAN_CLUSTER_NAME`.
   */
  static fromEnvironment(cluster: ClusterIdentity = {}, env: NodeJS.ProcessEnv = process.env): SpanResources {
    const name = cluster.name ?? env.KSPAN_CLUSTER_NAME;
    return new SpanResources(
      { ...cluster, ...(name !== undefined ? { name } : {}) },
      detectResources({ detectors: [envDetector] }),
    );
  }

  /** The resource of spans reported by `component`. */
  forComponent(component: string): Resource {
    let r = this.byComponent.get(component);
    if (r === undefined) {
      r = resourceFromAttributes({ [ATTR_SERVICE_NAME]: component }).merge(this.layers);
      this.byComponent.set(component, r);
    }
    return r;
  }
}
