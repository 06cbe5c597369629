import { describe, expect, it } from 'vitest';
import { discoverClusterUid } from './cluster-uid.ts';
import type { KubeApi } from './kube-api.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';

function api(get: (path: string) => Promise<unknown>): KubeApi {
  return {
    server: 'https://test',
    get: <T>(path: string) => get(path) as Promise<T>,
    send: () => Promise.reject(new Error('unused')),
    watch: () => Promise.reject(new Error('unused')),
  };
}

describe('discoverClusterUid', () => {
  it('reads the kube-system namespace UID', async () => {
    const paths: string[] = [];
    const uid = await discoverClusterUid(
      api((p) => {
        paths.push(p);
        return Promise.resolve({ metadata: { uid: '0f5c-kube-system' } });
      }),
      new MemoryLogger(),
    );
    expect(uid).toBe('0f5c-kube-system');
    expect(paths).toEqual(['/api/v1/namespaces/kube-system']);
  });

  it('goes without, and says why, when the ServiceAccount may not read it', async () => {
    const logger = new MemoryLogger();
    const uid = await discoverClusterUid(
      api(() => Promise.reject(new Error('403 Forbidden'))),
      logger,
    );
    expect(uid).toBeUndefined();
    expect(JSON.stringify(logger.lines)).toMatch(/no k8s\.cluster\.uid.*403 Forbidden/);
  });
});
