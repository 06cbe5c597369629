import { afterEach, describe, expect, it } from 'vitest';
import { SpanResources } from './span-resources.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function attrs(resources: SpanResources, component: string): Record<string, unknown> {
  return { ...resources.forComponent(component).attributes };
}

describe('span resources: identity and the service.name policy', () => {
  it('service.name is the reporting component by default, in the kubernetes namespace', () => {
    delete process.env.OTEL_SERVICE_NAME;
    delete process.env.OTEL_RESOURCE_ATTRIBUTES;
    expect(attrs(SpanResources.fromEnvironment({}, {}), 'kubelet')).toEqual({
      'service.name': 'kubelet',
      'service.namespace': 'kubernetes',
      'service.version': '0.1.0',
    });
  });

  it('OTEL_SERVICE_NAME names one service for every component', () => {
    process.env.OTEL_SERVICE_NAME = 'k8s-events';
    const r = SpanResources.fromEnvironment({}, {});
    expect(attrs(r, 'kubelet')['service.name']).toBe('k8s-events');
    expect(attrs(r, 'deployment-controller')['service.name']).toBe('k8s-events');
  });

  it('OTEL_RESOURCE_ATTRIBUTES adds to every resource and may override service.namespace and service.name', () => {
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment.name=staging,service.namespace=platform';
    const a = attrs(SpanResources.fromEnvironment({}, {}), 'kubelet');
    expect(a).toMatchObject({
      'service.name': 'kubelet',
      'service.namespace': 'platform',
      'deployment.environment.name': 'staging',
    });
  });

  it.each([
    ['the flag', { name: 'prod-eu' }, {}, 'prod-eu'],
    ['$KSPAN_CLUSTER_NAME', {}, { KSPAN_CLUSTER_NAME: 'from-env' }, 'from-env'],
    ['the flag over $KSPAN_CLUSTER_NAME', { name: 'flag' }, { KSPAN_CLUSTER_NAME: 'env' }, 'flag'],
  ])('k8s.cluster.name from %s', (_n, cluster, env, expected) => {
    expect(attrs(SpanResources.fromEnvironment(cluster, env), 'kubelet')['k8s.cluster.name']).toBe(expected);
  });

  it('a given cluster identity wins over OTEL_RESOURCE_ATTRIBUTES; the uid is set when discovered', () => {
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'k8s.cluster.name=from-attributes';
    expect(attrs(SpanResources.fromEnvironment({}, {}), 'x')['k8s.cluster.name']).toBe('from-attributes');
    const r = SpanResources.fromEnvironment({ name: 'given', uid: '7d3c-uid' }, {});
    expect(attrs(r, 'x')).toMatchObject({ 'k8s.cluster.name': 'given', 'k8s.cluster.uid': '7d3c-uid' });
  });

  it('one resource object per component', () => {
    const r = new SpanResources();
    expect(r.forComponent('a')).toBe(r.forComponent('a'));
    expect(r.forComponent('a')).not.toBe(r.forComponent('b'));
  });
});
