import { describe, expect, it } from 'vitest';
import { ApiDiscovery } from './api-discovery.ts';
import { KubeApiError } from './kube-api-error.ts';
import type { KubeApi } from './kube-api.ts';

/** A KubeApi that answers discovery documents from a table and counts the requests. */
function discoveryApi(
  docs: Record<string, unknown>,
  failures: Record<string, number> = {},
): KubeApi & { asked: string[] } {
  const asked: string[] = [];
  return {
    server: 'https://test',
    asked,
    get: <T>(path: string): Promise<T> => {
      asked.push(path);
      const status = failures[path];
      if (status !== undefined)
        return Promise.reject(new KubeApiError({ verb: 'GET', path, status, message: `HTTP ${status}` }));
      const doc = docs[path];
      if (doc === undefined)
        return Promise.reject(new KubeApiError({ verb: 'GET', path, status: 404, message: 'not found' }));
      return Promise.resolve(doc as T);
    },
    send: () => Promise.reject(new Error('not used')),
    watch: () => Promise.reject(new Error('not used')),
  };
}

const ARGO = {
  kind: 'APIResourceList',
  groupVersion: 'argoproj.io/v1alpha1',
  resources: [
    { name: 'rollouts', singularName: 'rollout', namespaced: true, kind: 'Rollout', verbs: ['get', 'list'] },
    { name: 'rollouts/status', singularName: '', namespaced: true, kind: 'Rollout', verbs: ['get'] },
    { name: 'clusteranalysistemplates', namespaced: false, kind: 'ClusterAnalysisTemplate', verbs: ['get'] },
  ],
};
const CORE = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'endpoints', namespaced: true, kind: 'Endpoints' },
    { name: 'persistentvolumes', namespaced: false, kind: 'PersistentVolume' },
  ],
};

describe('ApiDiscovery', () => {
  it('takes plurals and scope from discovery, where the English plural would be wrong', async () => {
    const api = discoveryApi({ '/apis/argoproj.io/v1alpha1': ARGO, '/api/v1': CORE });
    const d = new ApiDiscovery(api);
    expect(await d.resolve({ kind: 'Endpoints', apiVersion: 'v1' })).toEqual({
      kind: 'Endpoints',
      apiVersion: 'v1',
      resource: 'endpoints', // guessed: endpointses
      namespaced: true,
    });
    expect(await d.resolve({ kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1' })).toMatchObject({
      resource: 'rollouts',
      namespaced: true,
    });
    expect(await d.resolve({ kind: 'ClusterAnalysisTemplate', apiVersion: 'argoproj.io/v1alpha1' })).toMatchObject({
      resource: 'clusteranalysistemplates',
      namespaced: false, // a custom cluster-scoped kind: no namespace in its path
    });
    expect(await d.resolve({ kind: 'PersistentVolume' })).toMatchObject({
      resource: 'persistentvolumes',
      namespaced: false,
    });
    // One request per group version, however many kinds and lookups.
    expect(api.asked).toEqual(['/api/v1', '/apis/argoproj.io/v1alpha1']);
  });

  it('needs no request for the kinds it watches', async () => {
    const api = discoveryApi({});
    expect(await new ApiDiscovery(api).resolve({ kind: 'ReplicaSet', apiVersion: 'apps/v1' })).toMatchObject({
      resource: 'replicasets',
    });
    expect(api.asked).toEqual([]);
  });

  it('guesses the plural when the group is not served, and does not ask again', async () => {
    const api = discoveryApi({});
    const d = new ApiDiscovery(api);
    expect(await d.resolve({ kind: 'Widget', apiVersion: 'example.com/v1' })).toEqual({
      kind: 'Widget',
      apiVersion: 'example.com/v1',
      resource: 'widgets',
      namespaced: true,
    });
    await d.resolve({ kind: 'Widget', apiVersion: 'example.com/v1' });
    expect(api.asked).toEqual(['/apis/example.com/v1']);
  });

  it('asks again after a transient failure', async () => {
    const failures: Record<string, number> = { '/apis/argoproj.io/v1alpha1': 503 };
    const api = discoveryApi({ '/apis/argoproj.io/v1alpha1': ARGO }, failures);
    const d = new ApiDiscovery(api);
    expect(await d.resolve({ kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1' })).toMatchObject({
      resource: 'rollouts',
    });
    delete failures['/apis/argoproj.io/v1alpha1'];
    expect(await d.resolve({ kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1' })).toMatchObject({
      resource: 'rollouts',
    });
    expect(api.asked).toHaveLength(2);
  });
});
