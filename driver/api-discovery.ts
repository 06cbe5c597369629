import { isClusterScoped } from '../core/index.ts';
import { KubeApiError } from './kube-api-error.ts';
import { WATCHED_KINDS, pluralOf, type KindInfo } from './kind-registry.ts';
import type { KubeApi } from './kube-api.ts';
import type { Logger } from './logger.ts';

/** One entry of an APIResourceList (`GET /apis/<group>/<version>`), as far as kspan reads it. */
interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/**
 * Where the API server serves a kind, from its discovery documents (`/api/v1`, `/apis/<group>/<version>`):
 * the exact plural resource and whether it is namespaced, for custom resources (a `Rollout`, a `Certificate`)
 * and irregular built-in plurals (`Endpoints`) alike. One request per group version, cached for the run;
 * discovery is readable by every authenticated client (the `system:discovery` role), so it needs no RBAC.
 * When discovery cannot answer (an old server, a group that is gone), the usual English plural is the guess.
 */
export class ApiDiscovery {
  private readonly api: KubeApi;
  private readonly logger: Logger | undefined;
  private readonly byGroupVersion = new Map<string, Promise<ReadonlyMap<string, ApiResource> | undefined>>();

  constructor(api: KubeApi, logger?: Logger) {
    this.api = api;
    this.logger = logger;
  }

  /** Where objects of this kind are served (`apiVersion` as an ownerReference or involvedObject gives it). */
  async resolve(ref: { readonly kind: string; readonly apiVersion?: string }): Promise<KindInfo> {
    const watched = WATCHED_KINDS.find((k) => k.kind === ref.kind && (ref.apiVersion ?? k.apiVersion) === k.apiVersion);
    if (watched !== undefined) return watched;
    const apiVersion = ref.apiVersion ?? 'v1';
    const resource = (await this.resources(apiVersion))?.get(ref.kind);
    if (resource !== undefined)
      return { kind: ref.kind, apiVersion, resource: resource.name, namespaced: resource.namespaced };
    return { kind: ref.kind, apiVersion, resource: pluralOf(ref.kind), namespaced: !isClusterScoped(ref.kind) };
  }

  private resources(apiVersion: string): Promise<ReadonlyMap<string, ApiResource> | undefined> {
    let answer = this.byGroupVersion.get(apiVersion);
    if (answer === undefined) {
      answer = this.fetch(apiVersion);
      this.byGroupVersion.set(apiVersion, answer);
    }
    return answer;
  }

  private async fetch(apiVersion: string): Promise<ReadonlyMap<string, ApiResource> | undefined> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    try {
      const list = await this.api.get<{ resources?: readonly ApiResource[] }>(path);
      const byKind = new Map<string, ApiResource>();
      // Subresources (`rollouts/status`, `pods/log`) share their kind with the resource: keep the resource.
      for (const r of list.resources ?? []) if (!r.name.includes('/') && !byKind.has(r.kind)) byKind.set(r.kind, r);
      return byKind;
    } catch (err) {
      const settled = err instanceof KubeApiError && (err.status === 404 || err.status === 403);
      this.logger?.debug('API discovery failed; guessing the plural', { apiVersion, error: (err as Error).message });
      // A group the server does not serve stays unknown for the run; any other failure is asked again next time.
      if (!settled) this.byGroupVersion.delete(apiVersion);
      return undefined;
    }
  }
}
