/**
 * Kinds without a namespace: their references never inherit the Event's namespace, and the API serves them
 * outside `/namespaces/…`. The one list of them (the driver's kind registry reads it too).
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Node',
  'Namespace',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
]);

/** True for a kind served outside namespaces. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}
