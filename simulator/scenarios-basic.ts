import { createDeployment, scaleDeployment, updateImage } from './deployment.ts';
import { createStatefulSet } from './statefulset.ts';
import type { Story } from './story.ts';
import { World, type WorldPlace } from './world.ts';

/** Worker nodes of the simulated cluster (a kind cluster's names). */
export const NODES: readonly string[] = ['kind-worker', 'kind-worker2', 'kind-worker3'];

const S = 1_000_000;

/** A Deployment created with 2 replicas. */
export function deploymentCreate(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  createDeployment(w, w.startUs, { name: 'web', replicas: 2, image: 'nginx:1.25', placement: { nodes: NODES } });
  return w.finish('deployment-create');
}

/** An image change on 4 replicas, maxSurge 25% / maxUnavailable 25%. */
export function rollingUpdate(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 4,
    image: 'nginx:1.25',
    placement: { nodes: NODES },
  });
  updateImage(w, state, 'nginx:1.26', doneUs + w.rng.int(20, 60) * S);
  return w.finish('rolling-update');
}

/** A Deployment scaled from 4 to 2. */
export function scaleDown(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  const { state, doneUs } = createDeployment(w, w.startUs, {
    name: 'web',
    replicas: 4,
    image: 'nginx:1.25',
    placement: { nodes: NODES },
  });
  scaleDeployment(w, state, 2, doneUs + w.rng.int(20, 60) * S);
  return w.finish('scale-down');
}

/** A Deployment whose only Pod never pulls its image. */
export function imagePullBackOff(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  createDeployment(w, w.startUs, {
    name: 'broken',
    replicas: 1,
    image: 'nginx:does-not-exist',
    placement: { nodes: NODES, fate: 'image-pull-backoff', failForMs: 150_000 },
  });
  return w.finish('image-pull-backoff');
}

/** A StatefulSet of 3 Pods created in order. */
export function statefulSetRollout(seed: number, at: WorldPlace = {}): Story {
  const w = new World({ seed, ...at });
  createStatefulSet(w, w.startUs, 'db', 3, 'postgres:16', { nodes: NODES });
  return w.finish('statefulset-rollout');
}
