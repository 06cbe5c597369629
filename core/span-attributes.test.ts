import { describe, expect, it } from 'vitest';
import type { InputRecord } from './input-record.ts';
import { replay } from './replay.ts';
import { containerOf } from './span-attributes.ts';
import { ev, obj } from './test-support/records.ts';

describe('containerOf', () => {
  it.each([
    ['spec.containers{app}', 'app'],
    ['spec.initContainers{migrate}', 'migrate'],
    ['spec.ephemeralContainers{debugger}', 'debugger'],
    ['spec.containers{app-2.sidecar}', 'app-2.sidecar'],
    ['spec.containers', undefined],
    ['metadata.name', undefined],
    ['spec.containers{}', undefined],
  ])('%s → %s', (fieldPath, container) => {
    expect(containerOf({ kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath })).toBe(container);
  });

  it('reads containers of Pods only', () => {
    expect(containerOf({ kind: 'Job', namespace: 'default', name: 'j', fieldPath: 'spec.containers{app}' })).toBe(
      undefined,
    );
  });
});

describe('span attributes', () => {
  const withFieldPath = (r: InputRecord, fieldPath: string): InputRecord => {
    if (r.type !== 'event' || !('involvedObject' in r.event) || r.event.involvedObject === undefined)
      throw new Error('a core/v1 event record');
    return { ...r, event: { ...r.event, involvedObject: { ...r.event.involvedObject, fieldPath } } };
  };

  it('names the container (k8s.container.name) and the Pod’s node (k8s.node.name) on every Pod span', () => {
    const pod = obj(0, 'Pod', 'web-1', { spec: { nodeName: 'worker-2', containers: [{ name: 'app' }] } });
    const records: InputRecord[] = [
      pod,
      ev(1, 'e-sched', 'Pod', 'web-1', 'Scheduled', 'Successfully assigned default/web-1 to worker-2', {
        component: 'default-scheduler',
      }),
      withFieldPath(ev(2, 'e-pull', 'Pod', 'web-1', 'Pulling', 'Pulling image "nginx"'), 'spec.containers{app}'),
      withFieldPath(ev(3, 'e-odd', 'Pod', 'web-1', 'Custom', 'about a field'), 'status.conditions'),
    ];
    const { spans } = replay(records, { windowMs: 1000 });
    const byUid = new Map(spans.map((s) => [s.attributes['kspan.event.uid'], s.attributes]));
    expect(byUid.get('e-sched')?.['k8s.node.name']).toBe('worker-2');
    expect(byUid.get('e-sched')?.['k8s.container.name']).toBeUndefined();
    expect(byUid.get('e-pull')?.['k8s.container.name']).toBe('app');
    expect(byUid.get('e-pull')?.['k8s.node.name']).toBe('worker-2');
    // A field path that names no container is kept as it is, under kspan's own namespace.
    expect(byUid.get('e-odd')?.['kspan.object.field_path']).toBe('status.conditions');
  });

  it('keeps kspan’s own attributes out of the k8s.* namespace the semantic conventions own', () => {
    const records: InputRecord[] = [
      obj(0, 'Deployment', 'web'),
      ev(1, 'e-scale', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-1 from 0 to 1'),
    ];
    const { spans } = replay(records, { windowMs: 1000 });
    // The standard names a Kubernetes span may carry (semantic conventions, k8s.* registry).
    const standard =
      /^k8s\.(cluster|namespace|node|pod|container|replicaset|deployment|statefulset|daemonset|job|cronjob|replicationcontroller|hpa)\.(name|uid)$/;
    for (const s of spans)
      for (const key of Object.keys(s.attributes))
        if (key.startsWith('k8s.')) expect(key, `${s.name}: ${key}`).toMatch(standard);
    expect(spans.some((s) => s.attributes['kspan.event.reason'] === 'ScalingReplicaSet')).toBe(true);
    expect(spans.some((s) => s.attributes['kspan.field_manager'] === 'kubectl')).toBe(true);
  });
});
