import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  loadAllYaml,
  setHeaderOptions,
  type CoreV1Event,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { waitFor } from './wait-for.ts';

/** The field manager of every change the suite makes (shown as the actor of the root spans). */
export const E2E_FIELD_MANAGER = 'kspan-e2e';

/** One question for the authorizer, as `kubectl auth can-i VERB RESOURCE[/NAME] [-n NAMESPACE]` asks it. */
export interface AccessQuestion {
  readonly verb: string;
  readonly resource: string;
  /** API group; '' (default) is the core group. */
  readonly group?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** What the e2e suite does to the cluster, through the API (no kubectl binary needed). */
export interface ClusterApi {
  /** The admin credentials, loaded from the infrastructure's kubeconfig. */
  readonly kubeConfig: KubeConfig;
  /** Server-side applies every object of a multi-document YAML text; `dryRun`: the server validates and stores nothing. */
  apply(yamlText: string, options?: { readonly dryRun?: boolean }): Promise<void>;
  /** `apply` of a kustomization directory: its `resources` files with its `images` overrides (other fields are refused). */
  applyKustomization(dir: string, options?: { readonly dryRun?: boolean }): Promise<void>;
  /** Like `kubectl create deployment NAME --image=IMAGE --replicas=N`: label app=NAME, one container named after the image. */
  createDeployment(name: string, image: string, replicas: number, namespace?: string): Promise<void>;
  /** Like `kubectl run NAME --image=IMAGE --restart=Never`. */
  createPod(name: string, image: string, namespace?: string): Promise<void>;
  /** Patches the Deployment's scale subresource, like `kubectl scale`. */
  scaleDeployment(name: string, replicas: number, namespace?: string): Promise<void>;
  /** Like `kubectl set image deployment/NAME CONTAINER=IMAGE`. */
  setImage(name: string, container: string, image: string, namespace?: string): Promise<void>;
  /** Resolves when the rollout is complete, with the rule of `kubectl rollout status`. */
  waitForRollout(name: string, timeoutMs: number, namespace?: string): Promise<void>;
  /** Deletes the Deployments (background propagation, as kubectl does) and resolves once they are gone. */
  deleteDeployments(names: readonly string[], timeoutMs: number, namespace?: string): Promise<void>;
  waitForNodesReady(count: number, timeoutMs: number): Promise<void>;
  waitForServiceAccount(namespace: string, name: string, timeoutMs: number): Promise<void>;
  /** A token of the ServiceAccount from the TokenRequest API, like `kubectl create token`. */
  createToken(namespace: string, name: string, expirationSeconds: number): Promise<string>;
  /** Whether the ServiceAccount may do it (a SubjectAccessReview with the groups the API server gives every ServiceAccount). */
  serviceAccountCan(namespace: string, name: string, question: AccessQuestion): Promise<boolean>;
  listEvents(): Promise<CoreV1Event[]>;
  /** The API server's `/version` gitVersion, e.g. `v1.36.1`. */
  serverVersion(): Promise<string>;
}

/** A {@link ClusterApi} authenticated by the kubeconfig file (its current context). */
export function createClusterApi(kubeconfigPath: string): ClusterApi {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);

  const apply = async (yamlText: string, options: { readonly dryRun?: boolean } = {}): Promise<void> => {
    for (const object of loadAllYaml(yamlText) as (KubernetesObject | null)[]) {
      if (object === null) continue;
      await describeFailure(`apply ${object.kind ?? '?'}/${object.metadata?.name ?? '?'}`, () =>
        objects.patch(
          object,
          undefined,
          options.dryRun === true ? 'All' : undefined,
          E2E_FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        ),
      );
    }
  };

  return {
    kubeConfig,
    apply,
    async applyKustomization(dir, options = {}) {
      const kustomization = parseYaml(await readFile(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
      const unsupported = Object.keys(kustomization).filter(
        (k) => !['apiVersion', 'kind', 'resources', 'images'].includes(k),
      );
      if (unsupported.length > 0)
        throw new Error(
          `${dir}/kustomization.yaml: the e2e suite applies only resources and images, not ${unsupported.join(', ')}`,
        );
      for (const file of kustomization.resources ?? []) {
        const objects = (loadAllYaml(await readFile(join(dir, file), 'utf8')) as (KubernetesObject | null)[]).filter(
          (o) => o !== null,
        );
        for (const object of objects) overrideImages(object, kustomization.images ?? []);
        await apply(objects.map((o) => JSON.stringify(o)).join('\n---\n'), options);
      }
    },
    async createDeployment(name, image, replicas, namespace = 'default') {
      const labels = { app: name };
      await describeFailure(`create deployment ${name}`, () =>
        apps.createNamespacedDeployment({
          namespace,
          fieldManager: E2E_FIELD_MANAGER,
          body: {
            metadata: { name, labels },
            spec: {
              replicas,
              selector: { matchLabels: labels },
              template: { metadata: { labels }, spec: { containers: [{ name: containerNameOf(image), image }] } },
            },
          },
        }),
      );
    },
    async createPod(name, image, namespace = 'default') {
      await describeFailure(`create pod ${name}`, () =>
        core.createNamespacedPod({
          namespace,
          fieldManager: E2E_FIELD_MANAGER,
          body: {
            metadata: { name, labels: { run: name } },
            spec: { restartPolicy: 'Never', containers: [{ name, image }] },
          },
        }),
      );
    },
    async scaleDeployment(name, replicas, namespace = 'default') {
      await describeFailure(`scale deployment ${name}`, () =>
        apps.patchNamespacedDeploymentScale(
          { name, namespace, fieldManager: E2E_FIELD_MANAGER, body: { spec: { replicas } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    },
    async setImage(name, container, image, namespace = 'default') {
      await describeFailure(`set image of deployment ${name}`, () =>
        apps.patchNamespacedDeployment(
          {
            name,
            namespace,
            fieldManager: E2E_FIELD_MANAGER,
            body: { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
          },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        ),
      );
    },
    async waitForRollout(name, timeoutMs, namespace = 'default') {
      let state = 'not read yet';
      await waitFor(
        async () => {
          state = rolloutState(await apps.readNamespacedDeployment({ name, namespace }));
          if (state.startsWith('failed')) throw new Error(`deployment ${name}: ${state}`);
          return state === 'complete';
        },
        { what: `rollout of deployment ${namespace}/${name}`, timeoutMs, intervalMs: 500 },
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message} (last state: ${state})`, { cause: error });
      });
    },
    async deleteDeployments(names, timeoutMs, namespace = 'default') {
      for (const name of names) {
        await describeFailure(`delete deployment ${name}`, () =>
          apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Background' }),
        );
      }
      await waitFor(
        async () => {
          for (const name of names)
            if (await exists(() => apps.readNamespacedDeployment({ name, namespace }))) return false;
          return true;
        },
        { what: `deletion of deployments ${names.join(', ')}`, timeoutMs, intervalMs: 500 },
      );
    },
    async waitForNodesReady(count, timeoutMs) {
      await waitFor(
        async () => {
          const nodes = (await core.listNode()).items;
          const ready = nodes.filter((n) =>
            n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          );
          return ready.length >= count;
        },
        { what: `${count} Ready nodes`, timeoutMs, intervalMs: 500 },
      );
    },
    async waitForServiceAccount(namespace, name, timeoutMs) {
      await waitFor(() => exists(() => core.readNamespacedServiceAccount({ name, namespace })), {
        what: `the ${namespace}/${name} ServiceAccount`,
        timeoutMs,
        intervalMs: 500,
      });
    },
    async createToken(namespace, name, expirationSeconds) {
      const answer = await describeFailure(`create token for ${namespace}/${name}`, () =>
        core.createNamespacedServiceAccountToken({
          name,
          namespace,
          body: { spec: { audiences: [], expirationSeconds } },
        }),
      );
      const token = answer.status?.token;
      if (token === undefined || token === '')
        throw new Error(`the TokenRequest for ${namespace}/${name} returned no token`);
      return token;
    },
    async serviceAccountCan(namespace, name, q) {
      const review = await describeFailure(`access review ${q.verb} ${q.resource}`, () =>
        authz.createSubjectAccessReview({
          body: {
            spec: {
              user: `system:serviceaccount:${namespace}:${name}`,
              groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
              resourceAttributes: {
                verb: q.verb,
                group: q.group ?? '',
                resource: q.resource,
                name: q.name,
                namespace: q.namespace,
              },
            },
          },
        }),
      );
      return review.status?.allowed === true;
    },
    async listEvents() {
      return (await core.listEventForAllNamespaces()).items;
    },
    async serverVersion() {
      return (await kubeConfig.makeApiClient(VersionApi).getCode()).gitVersion;
    },
  };
}

/** The part of a kustomization.yaml the suite applies. */
export interface Kustomization {
  readonly resources?: readonly string[];
  readonly images?: readonly { readonly name: string; readonly newName?: string; readonly newTag?: string }[];
}

/** kustomize's `images` transformer on the containers of a workload's pod template. */
export function overrideImages(object: KubernetesObject, images: Kustomization['images'] & object): void {
  const spec = (
    object as {
      spec?: { template?: { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } };
    }
  ).spec;
  const pod = spec?.template?.spec;
  for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    const image = container.image ?? '';
    const [repository = ''] = image.split(/[:@]/);
    const override = images.find((i) => i.name === repository);
    if (override !== undefined)
      container.image = `${override.newName ?? repository}:${override.newTag ?? image.slice(repository.length + 1)}`;
  }
}

/** The container name kubectl derives from an image: its last path element without the tag. */
export function containerNameOf(image: string): string {
  const last = image.split('/').pop() ?? image;
  return (last.split(/[:@]/)[0] ?? last).replace(/[^a-z0-9-]/g, '-');
}

/** `kubectl rollout status`'s rule: 'complete', 'failed: …' or what it still waits for. */
export function rolloutState(d: V1Deployment): string {
  const generation = d.metadata?.generation ?? 0;
  const status = d.status ?? {};
  if (generation > (status.observedGeneration ?? 0)) return 'waiting for the controller to observe the new generation';
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return `failed: ${progressing.message ?? 'progress deadline exceeded'}`;
  const wanted = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if (updated < wanted) return `${updated} of ${wanted} replicas updated`;
  if ((status.replicas ?? 0) > updated) return `${(status.replicas ?? 0) - updated} old replicas pending termination`;
  if ((status.availableReplicas ?? 0) < updated)
    return `${status.availableReplicas ?? 0} of ${updated} updated replicas available`;
  return 'complete';
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return false;
    throw error;
  }
}

/** Runs an API call; its failure names the operation and carries the server's message. */
async function describeFailure<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      let message = body;
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? body;
      } catch {
        // not JSON: keep the body as it is
      }
      throw new Error(`${what}: HTTP ${error.code}: ${message}`, { cause: error });
    }
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
}
