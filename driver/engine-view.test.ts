import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, type InputRecord } from '../core/index.ts';
import { recordStream } from '../simulator/record-stream.ts';
import { eventForEngine, objectForEngine } from './engine-view.ts';

const SCENARIOS = path.join(import.meta.dirname, '..', 'scenarios');

/** The input with every object and event reduced to what the engine reads, as the driver feeds and records it. */
function reduced(records: readonly InputRecord[]): InputRecord[] {
  return records.map((r) => {
    if (r.type === 'object') return { ...r, object: objectForEngine(r.object, { kind: '' }) };
    if (r.type === 'event') return { ...r, event: eventForEngine(r.event) };
    return r;
  });
}

const view = (spans: { spanId: string; parentSpanId?: string; traceId: string; name: string }[]) =>
  spans.map((s) => `${s.traceId} ${s.spanId} ${s.parentSpanId ?? '-'} ${s.name} ${JSON.stringify(s)}`).sort();

describe('objectForEngine', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: '7',
      generation: 2,
      creationTimestamp: '2024-05-05T16:22:00Z',
      labels: { app: 'web' },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"env":[{"name":"PASSWORD","value":"hunter2"}]}',
        'kspan.io/topLevelSpan': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'deployment.kubernetes.io/revision': '2',
      },
      managedFields: [
        {
          manager: 'kubectl-client-side-apply',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: '2024-05-05T16:22:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': {} } } } } },
        },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          subresource: 'status',
          fieldsV1: { 'f:status': {} },
        },
      ],
    },
    spec: { replicas: 3, template: { spec: { containers: [{ env: [{ name: 'PASSWORD', value: 'hunter2' }] }] } } },
    status: { readyReplicas: 3 },
  };

  it('keeps what the engine reads: identity, owners, the topLevelSpan annotation, who changed the spec when, replicas', () => {
    expect(objectForEngine(deployment, { kind: 'Deployment' })).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: 'u1',
        resourceVersion: '7',
        generation: 2,
        creationTimestamp: '2024-05-05T16:22:00Z',
        annotations: { 'kspan.io/topLevelSpan': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        managedFields: [
          {
            manager: 'kubectl-client-side-apply',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: '2024-05-05T16:22:00Z',
            fieldsV1: { 'f:spec': {} },
          },
          { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status' },
        ],
      },
      spec: { replicas: 3, template: { spec: { containers: [{ env: [{ name: 'PASSWORD' }] }] } } },
    });
    expect(JSON.stringify(objectForEngine(deployment, { kind: 'Deployment' }))).not.toContain('hunter2');
  });

  it('leaves an Event without annotations, labels and managedFields', () => {
    const event = {
      metadata: { name: 'e', uid: 'e1', annotations: { a: 'b' }, labels: { c: 'd' }, managedFields: [{}] },
      reason: 'Scheduled',
    };
    expect(eventForEngine(event)).toEqual({ metadata: { name: 'e', uid: 'e1' }, reason: 'Scheduled' });
  });

  const scenarios = fs.readdirSync(SCENARIOS).filter((d) => fs.existsSync(path.join(SCENARIOS, d, 'input.ndjson')));
  it.each(scenarios)('the engine gives the very same spans from the reduced objects (scenario %s)', (name) => {
    const records = fs
      .readFileSync(path.join(SCENARIOS, name, 'input.ndjson'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as InputRecord);
    expect(view(replay(reduced(records)).spans)).toEqual(view(replay(records).spans));
  });

  it('the engine gives the very same spans from the reduced objects (3,000 simulated events)', () => {
    const records = [...recordStream({ events: 3000, seed: 11 })];
    expect(view(replay(reduced(records)).spans)).toEqual(view(replay(records).spans));
    expect(records.some((r) => r.type === 'object' && r.object.metadata?.managedFields)).toBe(true);
  });
});

describe('objectForEngine holds little per object (the cache keeps every watched one)', () => {
  const pod = (name: string): Record<string, unknown> => ({
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-1',
          uid: 'rs-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          time: '2024-05-05T00:00:00Z',
          fieldsV1: { 'f:spec': { 'f:containers': {} } },
        },
      ],
    },
  });

  it('copies owner references down to what the engine and the owner lookups read', () => {
    const view = objectForEngine(pod('a'), { kind: 'Pod' });
    expect(view.metadata?.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1', controller: true },
    ]);
  });

  it('shares one fieldsV1 marker between objects: the engine reads only that an entry touched the spec', () => {
    const a = objectForEngine(pod('a'), { kind: 'Pod' }).metadata?.managedFields?.[0]?.fieldsV1;
    const b = objectForEngine(pod('b'), { kind: 'Pod' }).metadata?.managedFields?.[0]?.fieldsV1;
    expect(a).toEqual({ 'f:spec': {} });
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
