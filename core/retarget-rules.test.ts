import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from './normalized-event.ts';
import { retarget, scaleOf, stopsForGood } from './retarget-rules.ts';

function event(kind: string, reason: string, message: string): NormalizedEvent {
  return {
    uid: 'u',
    namespace: 'default',
    name: 'e',
    api: 'core/v1',
    regarding: { kind, namespace: 'default', name: 'owner' },
    reason,
    message,
    type: 'Normal',
    component: 'c',
    instance: '',
    timeUs: 0,
    firstUs: 0,
    precise: false,
    count: 1,
  };
}

describe('retarget', () => {
  it.each([
    [
      'Deployment',
      'ScalingReplicaSet',
      'Scaled up replica set web-5d5 from 0 to 2',
      'ReplicaSet',
      'web-5d5',
      'deployment-scales-replicaset',
    ],
    [
      'Deployment',
      'ScalingReplicaSet',
      'Scaled down replica set web-5d5 to 0',
      'ReplicaSet',
      'web-5d5',
      'deployment-scales-replicaset',
    ],
    ['ReplicaSet', 'SuccessfulCreate', 'Created pod: web-5d5-abcde', 'Pod', 'web-5d5-abcde', 'replicaset-pod'],
    ['ReplicaSet', 'SuccessfulDelete', 'Deleted pod: web-5d5-abcde', 'Pod', 'web-5d5-abcde', 'replicaset-pod'],
    [
      'ReplicaSet',
      'SuccessfulCreate',
      '(combined from similar events): Created pod: web-5d5-fghij',
      'Pod',
      'web-5d5-fghij',
      'replicaset-pod',
    ],
    [
      'StatefulSet',
      'SuccessfulCreate',
      'create Pod db-0 in StatefulSet db successful',
      'Pod',
      'db-0',
      'statefulset-pod',
    ],
    [
      'StatefulSet',
      'SuccessfulDelete',
      'delete Pod db-2 in StatefulSet db successful',
      'Pod',
      'db-2',
      'statefulset-pod',
    ],
    ['DaemonSet', 'SuccessfulCreate', 'Created pod: agent-x7k2p', 'Pod', 'agent-x7k2p', 'daemonset-pod'],
    ['Job', 'SuccessfulCreate', 'Created pod: batch-9xk2q', 'Pod', 'batch-9xk2q', 'job-pod'],
    ['Job', 'SuccessfulDelete', 'Deleted pod: batch-9xk2q', 'Pod', 'batch-9xk2q', 'job-pod'],
    ['CronJob', 'SuccessfulCreate', 'Created job nightly-28571234', 'Job', 'nightly-28571234', 'cronjob-job'],
  ])('%s %s "%s" → %s %s', (kind, reason, message, childKind, childName, rule) => {
    const r = retarget(event(kind, reason, message));
    expect(r.actor).toMatchObject({ kind, name: 'owner' });
    expect(r.object).toMatchObject({ kind: childKind, name: childName, namespace: 'default' });
    expect(r.rule).toBe(rule);
  });

  it.each([
    ['Pod', 'Scheduled', 'Successfully assigned default/web-1 to node-1'],
    ['ReplicaSet', 'FailedCreate', 'Error creating: pods "web-1" is forbidden'],
    ['Deployment', 'ScalingReplicaSet', 'something unexpected'],
  ])('keeps %s %s on the involved object', (kind, reason, message) => {
    const r = retarget(event(kind, reason, message));
    expect(r.object).toBe(r.actor);
    expect(r.rule).toBeUndefined();
  });

  it('reads the scaling direction and size from the message', () => {
    expect(
      retarget(event('Deployment', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 2 to 4')).scale,
    ).toEqual({ direction: 'up', from: 2, to: 4 });
    expect(retarget(event('Deployment', 'ScalingReplicaSet', 'Scaled down replica set web-5d5 to 1')).scale).toEqual({
      direction: 'down',
      to: 1,
    });
  });
});

describe('scaling wordings of every era', () => {
  it.each([
    ['Scaled up replica set web-5d5 to 3', { direction: 'up', to: 3 }],
    ['Scaled up replica set web-5d5 to 3 from 1', { direction: 'up', from: 1, to: 3 }],
    ['Scaled up replica set web-5d5 from 1 to 3', { direction: 'up', from: 1, to: 3 }],
    ['Scaled down replica set web-5d5 to 0 from 2', { direction: 'down', from: 2, to: 0 }],
    ['Scaled down replica set web-5d5 from 12 to 10', { direction: 'down', from: 12, to: 10 }],
    // client-go's aggregation of the 10th similar event within 10 minutes (recorded live on 1.27).
    [
      '(combined from similar events): Scaled down replica set web-5d5 to 0 from 1',
      { direction: 'down', from: 1, to: 0 },
    ],
    ['(combined from similar events): Scaled up replica set web-5d5 from 3 to 4', { direction: 'up', from: 3, to: 4 }],
  ])('"%s"', (message, scale) => {
    expect(scaleOf(message)).toEqual(scale);
    const r = retarget(event('Deployment', 'ScalingReplicaSet', message));
    expect(r.object).toMatchObject({ kind: 'ReplicaSet', name: 'web-5d5' });
    expect(r.scale).toEqual(scale);
  });

  it.each([
    'Scaled up replica set web-5d5',
    'Scaled sideways replica set web-5d5 to 3',
    'Scaled up replica set web to 3x',
  ])('reads no scaling from "%s"', (message) => {
    expect(scaleOf(message)).toBeUndefined();
  });
});

describe('kubelet stops of every era', () => {
  it.each([
    ['Stopping container app', true],
    ['Stopping container nginx, because the Pod is deleted', true],
    ['Killing container with id docker://app:Need to kill Pod', true],
    ['Killing container with id containerd://app:Need to kill Pod', true],
    ['Killing container with id ead3fb35-5cf5-44ed-9ae1-488115be66c6: Need to kill Pod', true],
    ['(combined from similar events): Stopping container app', true],
    ['Container app failed liveness probe, will be restarted', false],
    [
      'Killing container with id docker://app:Container failed liveness probe.. Container will be killed and recreated.',
      false,
    ],
  ])('"%s" → %s', (message, stops) => {
    const e = event('Pod', 'Killing', message);
    expect(stopsForGood(e)).toBe(stops);
    expect(retarget(e).stops === true).toBe(stops);
  });

  it('only for Killing', () => {
    expect(stopsForGood(event('Pod', 'Started', 'Stopping container app'))).toBe(false);
  });
});

describe('related', () => {
  it('retargets an events.k8s.io Event naming its child as related (not a Node)', () => {
    const base = event('Job', 'SuccessfulDelete', 'Deleted pod');
    const withPod = {
      ...base,
      api: 'events.k8s.io/v1' as const,
      related: { kind: 'Pod', namespace: 'default', name: 'p-1' },
    };
    expect(retarget(withPod)).toMatchObject({ rule: 'related', object: { kind: 'Pod', name: 'p-1' } });
    const withNode = { ...base, related: { kind: 'Node', namespace: '', name: 'n1' } };
    expect(retarget(withNode).object).toMatchObject({ kind: 'Job' });
  });
});
