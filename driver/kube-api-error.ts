/** A failed Kubernetes API request: an HTTP status (with the server's Status message) or a network error code. */
export class KubeApiError extends Error {
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Network error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT…), when it did not. */
  readonly code: string | undefined;
  readonly verb: string;
  readonly path: string;
  /** The server's `Retry-After` (429, 503), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    verb: string;
    path: string;
    status?: number;
    code?: string;
    message: string;
    cause?: unknown;
    retryAfterMs?: number;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KubeApiError';
    this.status = options.status;
    this.code = options.code;
    this.verb = options.verb;
    this.path = options.path;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True for `410 Gone` (the resourceVersion is too old: re-list). */
  get gone(): boolean {
    return this.status === 410;
  }
}

/** The resource a request path addresses, e.g. `/apis/apps/v1/namespaces/x/replicasets/y` → group `apps`, resource `replicasets`. */
export function resourceOfPath(path: string): { group: string; resource: string; name?: string } {
  const parts = path
    .split('?')[0]!
    .split('/')
    .filter((p) => p !== '');
  let rest: string[];
  let group: string;
  if (parts[0] === 'api') {
    group = '';
    rest = parts.slice(2);
  } else {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  }
  if (rest.length === 0) return { group, resource: '(discovery)', name: '' };
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  return rest[1] === undefined
    ? { group, resource: rest[0] ?? 'unknown' }
    : { group, resource: rest[0] ?? 'unknown', name: rest[1] };
}

/** Turns an API failure into an error that says what failed and what to do about it. */
export function explainKubeApiError(err: unknown, server: string): Error {
  if (!(err instanceof KubeApiError)) return err instanceof Error ? err : new Error(String(err));
  const { group, resource } = resourceOfPath(err.path);
  const groupName = group === '' ? '"" (core)' : `"${group}"`;
  if (err.status === 403 && resource === 'leases') {
    return new Error(
      `kspan is forbidden to ${err.verb} leases in apiGroup ${groupName} (HTTP 403: ${err.message}). ` +
        `Leader election needs get, create and update on the Lease in kspan's namespace — the Role in deploy/rbac.yaml ` +
        `grants them; or run without --leader-elect.`,
      { cause: err },
    );
  }
  if (err.status === 403) {
    return new Error(
      `kspan is forbidden to ${err.verb} ${resource} in apiGroup ${groupName} (HTTP 403: ${err.message}). ` +
        `Grant the verbs get, list and watch on "${resource}" in apiGroup ${groupName} to kspan's ServiceAccount ` +
        `(or your user) — deploy/rbac.yaml has a least-privilege ClusterRole to apply.`,
      { cause: err },
    );
  }
  if (err.status === 401) {
    return new Error(
      `the Kubernetes API server at ${server} rejected kspan's credentials (HTTP 401: ${err.message}). ` +
        `Refresh them (e.g. log in again) or pick another context with --context.`,
      { cause: err },
    );
  }
  if (err.status === undefined) {
    return new Error(
      `cannot reach the Kubernetes API server at ${server} (${err.code ?? err.message}). ` +
        `Check that the cluster is running and reachable from here, and that the kubeconfig context is the right one ` +
        `(--kubeconfig, --context).`,
      { cause: err },
    );
  }
  return new Error(`Kubernetes API ${err.verb} ${err.path} failed: HTTP ${err.status}: ${err.message}`, { cause: err });
}

/** A `Retry-After` header (seconds, or an HTTP date) in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The delay before retrying after `err`: the server's Retry-After when it gave one (at most 60 s), else `backoffMs`. */
export function retryDelayMs(err: unknown, backoffMs: number): number {
  const asked = err instanceof KubeApiError ? err.retryAfterMs : undefined;
  return asked === undefined ? backoffMs : Math.max(backoffMs, Math.min(asked, 60_000));
}
