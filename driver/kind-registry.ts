/** Where the API serves one kind of object. */
export interface KindInfo {
  readonly kind: string;
  readonly apiVersion: string;
  /** Plural resource name. */
  readonly resource: string;
  readonly namespaced: boolean;
}

/** The kinds the object cache watches (informer-style): the usual owners and subjects of events. */
export const WATCHED_KINDS: readonly KindInfo[] = [
  { kind: 'Pod', apiVersion: 'v1', resource: 'pods', namespaced: true },
  { kind: 'Node', apiVersion: 'v1', resource: 'nodes', namespaced: false },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', resource: 'replicasets', namespaced: true },
  { kind: 'Deployment', apiVersion: 'apps/v1', resource: 'deployments', namespaced: true },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', resource: 'statefulsets', namespaced: true },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', resource: 'daemonsets', namespaced: true },
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs', namespaced: true },
  { kind: 'CronJob', apiVersion: 'batch/v1', resource: 'cronjobs', namespaced: true },
];

/** The collection path of a kind (`/api/v1/pods`, `/apis/apps/v1/replicasets`). */
export function collectionPath(info: Pick<KindInfo, 'apiVersion' | 'resource'>, namespace?: string): string {
  const prefix = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  return namespace
    ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${info.resource}`
    : `${prefix}/${info.resource}`;
}

/** The plural resource of a kind, by the rules the API machinery uses for most kinds: the guess when discovery cannot answer. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s') || lower.endsWith('x') || lower.endsWith('ch') || lower.endsWith('sh')) return `${lower}es`;
  if (lower.endsWith('y') && !/[aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}
