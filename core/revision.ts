/**
 * A `metadata.resourceVersion` as a number, when it is an integer as etcd revisions are (they grow with
 * creation order); undefined otherwise, since the API only promises an opaque string.
 */
export function revisionOf(resourceVersion: unknown): number | undefined {
  return typeof resourceVersion === 'string' && /^\d{1,15}$/.test(resourceVersion)
    ? Number(resourceVersion)
    : undefined;
}
