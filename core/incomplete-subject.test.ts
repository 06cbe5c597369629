import { describe, expect, it } from 'vitest';
import { traceIdOf } from './ids.ts';
import type { InputRecord, ObjectRecord } from './input-record.ts';
import type { CoreV1Event, KubeObject } from './kube.ts';
import { replay } from './replay.ts';
import type { KspanSpan } from './span.ts';
import { ev, obj, t } from './test-support/records.ts';

/** Whole-second RFC 3339, as client-go's record.EventRecorder writes first/lastTimestamp. */
const sec = (s: number): string => t(s).replace('.000Z', 'Z');

/** A core/v1 Event record as an API server serves it (the body is given as is). */
function event(at: number, body: Omit<CoreV1Event, 'apiVersion' | 'kind'>): InputRecord {
  return {
    type: 'event',
    at: t(at),
    event: {
      apiVersion: 'v1',
      kind: 'Event',
      firstTimestamp: sec(at),
      lastTimestamp: sec(at),
      count: 1,
      type: 'Normal',
      ...body,
    },
  };
}

/** An object snapshot record of any kind, changed by `manager` at `at`. */
function object(at: number, o: KubeObject, manager = 'kube-controller-manager'): ObjectRecord {
  return {
    type: 'object',
    at: t(at),
    object: {
      ...o,
      metadata: {
        generation: 1,
        ...o.metadata,
        managedFields: [
          { manager, operation: 'Update', time: sec(at), fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } },
        ],
      },
    },
  };
}

function byEvent(spans: readonly KspanSpan[], uid: string): KspanSpan {
  const s = spans.find((x) => x.attributes['kspan.event.uid'] === uid);
  if (s === undefined) throw new Error(`no span for event ${uid}`);
  return s;
}

function rootOf(spans: readonly KspanSpan[], span: KspanSpan): KspanSpan {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  let s = span;
  for (let p = byId.get(s.parentSpanId ?? ''); p !== undefined; p = byId.get(p.parentSpanId ?? '')) s = p;
  return s;
}

// OpenShift operators (library-go) report their version on the operator's Deployment; seen without kind.
const operatorVersionChanged = event(10, {
  metadata: { name: 'etcd-operator.16e8b4a1c2d3e4f5', namespace: 'openshift-etcd-operator', uid: 'ovc-1' },
  involvedObject: { name: 'etcd-operator', namespace: 'openshift-etcd-operator', uid: 'uid-etcd-operator' },
  reason: 'OperatorVersionChanged',
  message: 'clusteroperator/etcd version "operator" changed from "" to "4.8.12"',
  source: { component: 'openshift-cluster-etcd-operator-status-controller-statussyncer_etcd' },
});

const etcdOperator = object(0, {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'etcd-operator', namespace: 'openshift-etcd-operator', uid: 'uid-etcd-operator' },
});

// client-go resourcelock.LeaseLock.RecordEvent: a Lease not fetched yet gives a subject with kind and no name
// (and the recorder puts the Event in `default`).
const stoppedLeading = event(20, {
  metadata: { name: '.16e8b4a9d0c1b2a3', namespace: 'default', uid: 'le-stop' },
  involvedObject: { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1' },
  reason: 'LeaderElection',
  message: 'master-0_8c5f4e0e-3a1b-4c2d-9e8f-7a6b5c4d3e2f stopped leading',
  source: { component: 'openshift-kube-scheduler' },
});

const becameLeader = (lease: string, uid: string, at = 5): InputRecord =>
  event(at, {
    metadata: { name: `${lease}.16e8b4a0a1b2c3d4`, namespace: 'openshift-kube-scheduler', uid },
    involvedObject: {
      kind: 'Lease',
      namespace: 'openshift-kube-scheduler',
      name: lease,
      uid: `uid-${lease}`,
      apiVersion: 'coordination.k8s.io/v1',
    },
    reason: 'LeaderElection',
    message: 'master-0_8c5f4e0e-3a1b-4c2d-9e8f-7a6b5c4d3e2f became leader',
    source: { component: 'openshift-kube-scheduler' },
  });

// OpenShift's cluster-bootstrap records its success with an empty involvedObject.
const bootstrapSuccess = event(30, {
  metadata: { name: 'bootstrap.16e8b4b0e1f2a3b4', namespace: 'kube-system', uid: 'boot-1' },
  involvedObject: {},
  reason: 'bootstrap-success',
  message: 'Required control plane pods have been created',
  source: { component: 'cluster-bootstrap' },
});

describe('an Event with an incomplete subject still becomes a span', () => {
  it('OperatorVersionChanged without kind, its Deployment never described: the root of its own trace', () => {
    const { spans, diagnostics } = replay([operatorVersionChanged]);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      name: 'Unknown.OperatorVersionChanged',
      traceId: traceIdOf('own', 'event:ovc-1'),
      parentSpanId: undefined,
      attributes: {
        'kspan.rule': 'unidentified-subject',
        'kspan.subject.missing': 'kind',
        'kspan.object.name': 'etcd-operator',
        'kspan.object.uid': 'uid-etcd-operator',
        'k8s.namespace.name': 'openshift-etcd-operator',
        'kspan.event.reason': 'OperatorVersionChanged',
      },
    });
    expect(spans[0]?.attributes['kspan.object.kind']).toBeUndefined();
    expect(diagnostics).toMatchObject({ 'incomplete-subject': 1 });
  });

  it('OperatorVersionChanged without kind joins the trace of the Deployment its uid names', () => {
    const { spans } = replay([etcdOperator, operatorVersionChanged]);
    const span = byEvent(spans, 'ovc-1');
    expect(span).toMatchObject({
      name: 'Deployment.OperatorVersionChanged',
      attributes: {
        'kspan.rule': 'root-object',
        'kspan.subject.identified_by': 'uid',
        'k8s.deployment.name': 'etcd-operator',
      },
    });
    expect(rootOf(spans, span)).toMatchObject({
      name: 'Deployment.Update',
      traceId: traceIdOf('uid-etcd-operator', 1),
    });
  });

  it('LeaderElection on a Lease without name, alone: the root of its own trace, with the kind it names', () => {
    const { spans } = replay([stoppedLeading]);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      name: 'Lease.LeaderElection',
      parentSpanId: undefined,
      serviceName: 'openshift-kube-scheduler',
      attributes: {
        'kspan.rule': 'unidentified-subject',
        'kspan.subject.missing': 'name',
        'kspan.object.kind': 'Lease',
        'kspan.event.message': 'master-0_8c5f4e0e-3a1b-4c2d-9e8f-7a6b5c4d3e2f stopped leading',
      },
    });
  });

  it('LeaderElection on a Lease without name joins the one Lease its reporter reported on', () => {
    const { spans } = replay([becameLeader('kube-scheduler', 'le-start'), stoppedLeading]);
    const stop = byEvent(spans, 'le-stop');
    expect(stop.attributes).toMatchObject({
      'kspan.subject.identified_by': 'reporter',
      'kspan.object.name': 'kube-scheduler',
      'k8s.namespace.name': 'openshift-kube-scheduler',
    });
    expect(stop.traceId).toBe(byEvent(spans, 'le-start').traceId);
  });

  it('LeaderElection on a Lease without name stays alone when its reporter reported on two Leases', () => {
    const { spans } = replay([
      becameLeader('kube-scheduler', 'le-a'),
      becameLeader('other', 'le-b', 6),
      stoppedLeading,
    ]);
    const stop = byEvent(spans, 'le-stop');
    expect(stop.attributes['kspan.rule']).toBe('unidentified-subject');
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(3);
  });

  it('bootstrap-success with an empty involvedObject: the root of its own trace, with what it says', () => {
    const { spans, diagnostics } = replay([bootstrapSuccess]);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      name: 'Unknown.bootstrap-success',
      traceId: traceIdOf('own', 'event:boot-1'),
      parentSpanId: undefined,
      serviceName: 'cluster-bootstrap',
      attributes: {
        'kspan.rule': 'unidentified-subject',
        'kspan.subject.missing': 'kind,name',
        'k8s.namespace.name': 'kube-system',
        'kspan.event.message': 'Required control plane pods have been created',
      },
    });
    expect(diagnostics).toMatchObject({ 'incomplete-subject': 1 });
  });

  it('an empty-subject Event without uid repeated later keeps one span, with a stable ID', () => {
    const noUid = (at: number, count: number): InputRecord => {
      const r = bootstrapSuccess as { event: CoreV1Event };
      const { uid: _uid, ...metadata } = r.event.metadata ?? {};
      return event(at, {
        ...r.event,
        metadata: { ...metadata, name: '' },
        firstTimestamp: sec(30),
        lastTimestamp: sec(at),
        count,
      });
    };
    const once = replay([noUid(30, 1), noUid(40, 2)]).spans;
    const again = replay([noUid(30, 1), noUid(40, 2)]).spans;
    expect(once).toHaveLength(1);
    expect(once[0]?.attributes['kspan.event.count']).toBe(2);
    expect(again[0]?.spanId).toBe(once[0]?.spanId);
  });

  it("a ReplicaSet's SuccessfulCreate with an empty subject is identified by the Pod it names, and hangs under the scaling", () => {
    const deployment = [
      obj(0, 'Deployment', 'web'),
      obj(0, 'ReplicaSet', 'web-5d5', { owner: ['Deployment', 'web'] }),
      obj(0, 'Pod', 'web-5d5-a', { owner: ['ReplicaSet', 'web-5d5'] }),
    ];
    const create = ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a', {
      component: 'replicaset-controller',
    });
    const empty: InputRecord = { ...create, event: { ...create.event, involvedObject: {} } };
    const { spans } = replay([
      ...deployment,
      ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
      empty,
      ev(2, 'p1', 'Pod', 'web-5d5-a', 'Scheduled', 'Successfully assigned default/web-5d5-a to node-1'),
    ]);
    expect(byEvent(spans, 'c1')).toMatchObject({
      name: 'ReplicaSet.SuccessfulCreate',
      parentSpanId: byEvent(spans, 's1').spanId,
      attributes: { 'kspan.rule': 'actor-cause', 'kspan.subject.identified_by': 'named-child' },
    });
    expect(byEvent(spans, 'p1').parentSpanId).toBe(byEvent(spans, 'c1').spanId);
  });

  it("a Node's NodeNotReady with an empty subject is identified by its message, and its Pods' NodeNotReady hang under it", () => {
    const node = object(
      0,
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-2', uid: 'uid-worker-2' } },
      'kubelet',
    );
    const pod = object(0, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-a', namespace: 'default', uid: 'uid-web-a' },
      spec: { nodeName: 'worker-2' },
    });
    const nodeEvent = event(5, {
      metadata: { name: 'worker-2.16e8b4f0', namespace: 'default', uid: 'nn-1' },
      involvedObject: {},
      reason: 'NodeNotReady',
      message: 'Node worker-2 status is now: NodeNotReady',
      source: { component: 'node-controller' },
    });
    const podEvent = ev(6, 'nn-pod', 'Pod', 'web-a', 'NodeNotReady', 'Node is not ready', {
      type: 'Warning',
      component: 'node-controller',
    });
    const { spans } = replay([node, pod, nodeEvent, podEvent]);
    expect(byEvent(spans, 'nn-1')).toMatchObject({
      name: 'Node.NodeNotReady',
      attributes: {
        'kspan.subject.identified_by': 'message',
        'k8s.node.name': 'worker-2',
        'kspan.object.uid': 'uid-worker-2',
      },
    });
    expect(byEvent(spans, 'nn-pod')).toMatchObject({
      parentSpanId: byEvent(spans, 'nn-1').spanId,
      attributes: { 'kspan.rule': 'node-cause' },
    });
  });

  it("an Argo Rollout's ScalingReplicaSet with an empty subject is identified by the ReplicaSet it names", () => {
    const rollout = object(0, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'demo', namespace: 'default', uid: 'uid-demo' },
    });
    const replicaSet = object(0, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'demo-6c5b',
        namespace: 'default',
        uid: 'uid-demo-6c5b',
        ownerReferences: [
          { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'demo', uid: 'uid-demo', controller: true },
        ],
      },
    });
    const scaling = event(2, {
      metadata: { name: 'demo.16e8b5a0', namespace: 'default', uid: 'ro-1' },
      involvedObject: {},
      reason: 'ScalingReplicaSet',
      message: 'Scaled up ReplicaSet demo-6c5b (revision 2) from 0 to 1',
      source: { component: 'rollouts-controller' },
    });
    const { spans } = replay([rollout, replicaSet, scaling]);
    expect(byEvent(spans, 'ro-1')).toMatchObject({
      name: 'Rollout.ScalingReplicaSet',
      attributes: { 'kspan.subject.identified_by': 'named-child', 'kspan.retarget': 'argo-rollout-scales-replicaset' },
    });
    expect(rootOf(spans, byEvent(spans, 'ro-1'))).toMatchObject({ name: 'Rollout.Update' });
  });

  it('a ScalingReplicaSet without kind is identified by its uid, ranks as a Deployment and parents its creations', () => {
    const scaling = ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1');
    const { kind: _kind, ...ref } = (scaling.event as CoreV1Event).involvedObject ?? {};
    const kindless = { ...scaling, event: { ...scaling.event, involvedObject: ref } } as InputRecord;
    const { spans } = replay([
      obj(0, 'Deployment', 'web'),
      obj(0, 'ReplicaSet', 'web-5d5', { owner: ['Deployment', 'web'] }),
      // Delivered first and in the same second: only the rank puts the scaling before it.
      ev(0.5, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a', { time: 1 }),
      kindless,
    ]);
    expect(byEvent(spans, 's1').attributes['kspan.subject.identified_by']).toBe('uid');
    expect(byEvent(spans, 'c1')).toMatchObject({ parentSpanId: byEvent(spans, 's1').spanId });
  });
});

describe('Events about kinds the engine knows nothing of: a span each, in the trace of their owner chain', () => {
  const widget = object(1, {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: {
      name: 'web-widget',
      namespace: 'default',
      uid: 'uid-widget',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }],
    },
  });
  const widgetEvent = ev(2, 'w1', 'Widget', 'web-widget', 'Reconciled', 'Widget reconciled', {
    component: 'widget-operator',
  });

  it("a custom resource owned by a Deployment: in the Deployment's trace", () => {
    const { spans } = replay([obj(0, 'Deployment', 'web'), widget, widgetEvent]);
    const span = byEvent(spans, 'w1');
    expect(span).toMatchObject({
      name: 'Widget.Reconciled',
      attributes: { 'kspan.object.kind': 'Widget', 'kspan.object.name': 'web-widget', 'kspan.rule': 'root-object' },
    });
    expect(rootOf(spans, span)).toMatchObject({ name: 'Deployment.Update', traceId: traceIdOf('uid-web', 1) });
  });

  it('a namespaced custom resource owned by a cluster-scoped one: the chain follows the owner by uid', () => {
    const clusterWidget = object(0, {
      apiVersion: 'example.com/v1',
      kind: 'ClusterWidget',
      metadata: { name: 'all', uid: 'uid-all' },
    });
    const owned = object(1, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: {
        name: 'web-widget',
        namespace: 'default',
        uid: 'uid-widget',
        ownerReferences: [
          { apiVersion: 'example.com/v1', kind: 'ClusterWidget', name: 'all', uid: 'uid-all', controller: true },
        ],
      },
    });
    const { spans, diagnostics } = replay([clusterWidget, owned, widgetEvent]);
    expect(rootOf(spans, byEvent(spans, 'w1'))).toMatchObject({
      name: 'ClusterWidget.Update',
      traceId: traceIdOf('uid-all', 1),
    });
    expect(diagnostics['missing-owner']).toBeUndefined();
  });

  it("a cluster-scoped custom resource named in the Event's namespace: found by its uid", () => {
    const clusterOperator = object(
      0,
      {
        apiVersion: 'config.openshift.io/v1',
        kind: 'ClusterOperator',
        metadata: { name: 'etcd', uid: 'uid-co-etcd' },
      },
      'cluster-version-operator',
    );
    const e = event(3, {
      metadata: { name: 'etcd.16e8b4c0', namespace: 'openshift-etcd-operator', uid: 'co-1' },
      involvedObject: {
        kind: 'ClusterOperator',
        name: 'etcd',
        uid: 'uid-co-etcd',
        apiVersion: 'config.openshift.io/v1',
      },
      reason: 'OperatorStatusChanged',
      message: 'Status for clusteroperator/etcd changed: Degraded changed from True to False',
      source: { component: 'openshift-cluster-etcd-operator-status-controller-statussyncer_etcd' },
    });
    const { spans, diagnostics } = replay([clusterOperator, e]);
    expect(rootOf(spans, byEvent(spans, 'co-1'))).toMatchObject({
      name: 'ClusterOperator.Update',
      serviceName: 'cluster-version-operator',
    });
    expect(byEvent(spans, 'co-1').attributes['k8s.namespace.name']).toBeUndefined();
    expect(diagnostics['missing-object']).toBeUndefined();
  });

  it.each([
    ['a Lease', 'Lease', 'kube-system', 'kube-controller-manager', 'LeaderElection', 'master-0_1 became leader'],
    [
      'a ConfigMap',
      'ConfigMap',
      'kube-system',
      'cluster-policy-controller',
      'LeaderElection',
      'master-0_2 became leader',
    ],
    ['a Node', 'Node', '', 'master-0', 'NodeReady', 'Node master-0 status is now: NodeReady'],
    [
      'a Namespace',
      'Namespace',
      '',
      'team-a',
      'NamespaceDeletionContentFailure',
      'Failed to delete all resource types',
    ],
  ])('%s: a span in the trace of the object it names', (_label, kind, namespace, name, reason, message) => {
    const described = object(0, {
      apiVersion: kind === 'Lease' ? 'coordination.k8s.io/v1' : 'v1',
      kind,
      metadata: { name, ...(namespace === '' ? {} : { namespace }), uid: `uid-${name}` },
    });
    const e = event(2, {
      // Node and Namespace Events sit in some namespace; their reference names none (or the Event's).
      metadata: { name: `${name}.16e8b4d0`, namespace: namespace === '' ? 'default' : namespace, uid: 'k1' },
      involvedObject: { kind, name, uid: `uid-${name}`, ...(namespace === '' ? {} : { namespace }) },
      reason,
      message,
      source: { component: 'some-controller' },
    });
    const { spans, diagnostics } = replay([described, e]);
    const span = byEvent(spans, 'k1');
    expect(span.name).toBe(`${kind}.${reason}`);
    expect(rootOf(spans, span)).toMatchObject({ name: `${kind}.Update`, traceId: traceIdOf(`uid-${name}`, 1) });
    expect(diagnostics).toEqual({});
  });

  it('a Lease owned by a Node (kube-node-lease): the chain reaches the cluster-scoped owner', () => {
    const node = object(
      0,
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1', uid: 'uid-worker-1' } },
      'kubelet',
    );
    const lease = object(1, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'worker-1',
        namespace: 'kube-node-lease',
        uid: 'uid-lease-worker-1',
        // The kubelet sets the owner reference by name and Node uid (no controller flag).
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'worker-1', uid: 'uid-worker-1' }],
      },
    });
    const e = event(2, {
      metadata: { name: 'worker-1.16e8b4e0', namespace: 'kube-node-lease', uid: 'l1' },
      involvedObject: { kind: 'Lease', name: 'worker-1', namespace: 'kube-node-lease', uid: 'uid-lease-worker-1' },
      reason: 'Renewed',
      message: 'lease renewed',
      source: { component: 'kubelet' },
    });
    const { spans } = replay([node, lease, e]);
    expect(rootOf(spans, byEvent(spans, 'l1'))).toMatchObject({ name: 'Node.Update', serviceName: 'kubelet' });
  });
});
