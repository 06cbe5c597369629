import type { KubeApi } from './kube-api.ts';
import type { Logger } from './logger.ts';

/**
 * The cluster's `k8s.cluster.uid`: the UID of the kube-system namespace, as the OpenTelemetry semantic
 * conventions recommend (it lives as long as the cluster and no user can change it). Undefined, with a
 * warning, when the ServiceAccount may not read it: the spans then go without.
 */
export async function discoverClusterUid(api: KubeApi, logger: Logger, timeoutMs = 5000): Promise<string | undefined> {
  try {
    const ns = await api.get<{ metadata?: { uid?: string } }>(
      '/api/v1/namespaces/kube-system',
      {},
      AbortSignal.timeout(timeoutMs),
    );
    return ns.metadata?.uid;
  } catch (err) {
    logger.warn('cannot read the kube-system namespace; spans carry no k8s.cluster.uid', {
      error: (err as Error).message,
      fix: 'allow get on namespaces/kube-system (deploy/rbac.yaml does)',
    });
    return undefined;
  }
}
