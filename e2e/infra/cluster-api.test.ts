import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { containerNameOf, overrideImages, rolloutState } from './cluster-api.ts';

const deployment = (
  generation: number,
  replicas: number,
  status: NonNullable<V1Deployment['status']>,
): V1Deployment => ({
  metadata: { name: 'web', generation },
  spec: { replicas, selector: {}, template: {} },
  status,
});

describe('rolloutState (the rule of kubectl rollout status)', () => {
  it.each<[string, V1Deployment, string]>([
    [
      'a generation the controller has not seen',
      deployment(2, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      'waiting for the controller to observe the new generation',
    ],
    [
      'too few updated replicas',
      deployment(2, 4, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }),
      '3 of 4 replicas updated',
    ],
    [
      'old replicas still terminating',
      deployment(3, 2, { observedGeneration: 3, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }),
      '1 old replicas pending termination',
    ],
    [
      'updated but not yet available',
      deployment(3, 2, { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }),
      '1 of 2 updated replicas available',
    ],
    [
      'complete',
      deployment(3, 2, { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      'complete',
    ],
    ['scaled to zero', deployment(4, 0, { observedGeneration: 4 }), 'complete'],
    [
      'past its progress deadline',
      deployment(2, 2, {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 1,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'web has timed out progressing',
          },
        ],
      }),
      'failed: web has timed out progressing',
    ],
  ])('%s', (_what, d, expected) => {
    expect(rolloutState(d)).toBe(expected);
  });
});

describe('containerNameOf (kubectl create deployment)', () => {
  it.each([
    ['nginx:1.27', 'nginx'],
    ['registry.invalid/does-not-exist:1', 'does-not-exist'],
    ['ghcr.io/org/my_app@sha256:abc', 'my-app'],
    ['busybox', 'busybox'],
  ])('%s → %s', (image, name) => {
    expect(containerNameOf(image)).toBe(name);
  });
});

describe('overrideImages (kustomize images transformer)', () => {
  const workload = (...images: string[]): KubernetesObject =>
    ({
      kind: 'Deployment',
      spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
    }) as KubernetesObject;
  const imagesOf = (o: KubernetesObject) =>
    (o as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers.map(
      (c) => c.image,
    );

  it.each<[string, string[], { name: string; newName?: string; newTag?: string }[], string[]]>([
    [
      'a new tag for the named image only',
      ['ghcr.io/kspan/kspan:latest', 'busybox:1'],
      [{ name: 'ghcr.io/kspan/kspan', newTag: '0.1.0' }],
      ['ghcr.io/kspan/kspan:0.1.0', 'busybox:1'],
    ],
    [
      'a new name keeps the tag',
      ['ghcr.io/kspan/kspan:0.0.9'],
      [{ name: 'ghcr.io/kspan/kspan', newName: 'example.org/kspan' }],
      ['example.org/kspan:0.0.9'],
    ],
    ['no override: unchanged', ['nginx:1.27'], [{ name: 'ghcr.io/kspan/kspan', newTag: '0.1.0' }], ['nginx:1.27']],
  ])('%s', (_what, images, overrides, expected) => {
    const object = workload(...images);
    overrideImages(object, overrides);
    expect(imagesOf(object)).toEqual(expected);
  });
});
