import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseResourceAttributes } from './resource-attributes-env.ts';
import { SpanResources, type ClusterIdentity } from './span-resources.ts';
import { resourceFor } from './to-readable-span.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function attrs(resources: SpanResources, component: string): Record<string, unknown> {
  return { ...resources.forComponent(component).attributes };
}

describe('span resources: identity and the service.name policy', () => {
  it('service.name is the reporting component by default, in the kubernetes namespace', () => {
    expect(attrs(SpanResources.fromEnvironment({}, {}), 'kubelet')).toEqual({
      'service.name': 'kubelet',
      'service.namespace': 'kubernetes',
      'service.version': '0.1.0',
    });
  });

  it('OTEL_SERVICE_NAME names one service for every component', () => {
    const r = SpanResources.fromEnvironment({}, { OTEL_SERVICE_NAME: 'k8s-events' });
    expect(attrs(r, 'kubelet')['service.name']).toBe('k8s-events');
    expect(attrs(r, 'deployment-controller')['service.name']).toBe('k8s-events');
  });

  it('OTEL_RESOURCE_ATTRIBUTES adds to every resource and may override service.namespace and service.name', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,service.namespace=platform' };
    expect(attrs(SpanResources.fromEnvironment({}, env), 'kubelet')).toMatchObject({
      'service.name': 'kubelet',
      'service.namespace': 'platform',
      'deployment.environment.name': 'staging',
    });
    const named = SpanResources.fromEnvironment({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=events' });
    expect(attrs(named, 'kubelet')['service.name']).toBe('events');
  });

  it.each([
    ['the flag', { name: 'prod-eu' }, {}, 'prod-eu'],
    ['$KSPAN_CLUSTER_NAME', {}, { KSPAN_CLUSTER_NAME: 'from-env' }, 'from-env'],
    ['the flag over $KSPAN_CLUSTER_NAME', { name: 'flag' }, { KSPAN_CLUSTER_NAME: 'env' }, 'flag'],
  ])('k8s.cluster.name from %s', (_n, cluster, env, expected) => {
    expect(attrs(SpanResources.fromEnvironment(cluster, env), 'kubelet')['k8s.cluster.name']).toBe(expected);
  });

  it('a given cluster identity wins over OTEL_RESOURCE_ATTRIBUTES; the uid is set when discovered', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'k8s.cluster.name=from-attributes' };
    expect(attrs(SpanResources.fromEnvironment({}, env), 'x')['k8s.cluster.name']).toBe('from-attributes');
    const r = SpanResources.fromEnvironment({ name: 'given', uid: '7d3c-uid' }, env);
    expect(attrs(r, 'x')).toMatchObject({ 'k8s.cluster.name': 'given', 'k8s.cluster.uid': '7d3c-uid' });
  });

  it('one resource object per component, also as the SDK resource the gRPC export sends', () => {
    const r = new SpanResources();
    expect(r.forComponent('a')).toBe(r.forComponent('a'));
    expect(r.forComponent('a')).not.toBe(r.forComponent('b'));
    expect(resourceFor('kubelet')).toBe(resourceFor('kubelet'));
    expect(resourceFor('kubelet').attributes).toEqual({ ...new SpanResources().forComponent('kubelet').attributes });
  });

  it('a malformed OTEL_RESOURCE_ATTRIBUTES is ignored as a whole, as the SDK does, and says why', () => {
    const r = SpanResources.fromEnvironment({}, { OTEL_RESOURCE_ATTRIBUTES: 'team=a,broken,region=eu' });
    expect(attrs(r, 'kubelet')).not.toHaveProperty('team');
    expect(r.warning).toBe(
      `OTEL_RESOURCE_ATTRIBUTES ignored: "broken" is not key=value (a ',' or '=' inside a key or value must be percent-encoded)`,
    );
    expect(SpanResources.fromEnvironment({}, { OTEL_RESOURCE_ATTRIBUTES: 'team=a' }).warning).toBeUndefined();
  });
});

describe('OTEL_RESOURCE_ATTRIBUTES parsing', () => {
  it.each([
    ['', {}],
    [' a = 1 , b=2 ', { a: '1', b: '2' }],
    ['a=1,,b=2,', { a: '1', b: '2' }],
    ['k%3Dey=v%2Cal%20ue', { 'k=ey': 'v,al ue' }],
    ['a=1,a=2,b=3', { a: '2', b: '3' }],
    ['a=', { a: '' }],
  ])('%j gives %j', (raw, expected) => {
    const parsed = parseResourceAttributes(raw);
    expect(parsed.ok && Object.fromEntries(parsed.attributes)).toEqual(expected);
  });

  it.each([
    ['a', 'is not key=value'],
    ['a=b=c', 'is not key=value'],
    [' =v', 'has an empty key'],
    ['a=%E0%A4%A', 'is not percent-encoded correctly'],
    [`a=${'x'.repeat(256)}`, 'at most 255 characters'],
  ])('%j is refused: %s', (raw, problem) => {
    const parsed = parseResourceAttributes(raw);
    expect(parsed.ok ? 'accepted' : parsed.problem).toContain(problem);
  });

  it("gives the SDK's attributes, in the SDK's order, for any environment (the gRPC export and the JSON outputs agree)", () => {
    const part = fc.constantFrom(
      'a',
      'b',
      'service.name',
      'service.namespace',
      'k8s.cluster.name',
      ' x ',
      '%2C',
      '%',
      '=',
      ',',
      '',
      'v%20w',
    );
    const text = fc.array(part, { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(
      fc.property(
        text,
        fc.option(fc.constantFrom('svc', ' ', ''), { nil: undefined }),
        fc.constantFrom<ClusterIdentity>({}, { name: 'c', uid: 'u' }),
        (raw, serviceName, cluster) => {
          const env: NodeJS.ProcessEnv = {
            OTEL_RESOURCE_ATTRIBUTES: raw,
            ...(serviceName !== undefined ? { OTEL_SERVICE_NAME: serviceName } : {}),
          };
          process.env = { ...saved, ...env };
          if (serviceName === undefined) delete process.env.OTEL_SERVICE_NAME;
          const identity = resourceFromAttributes({
            ...(cluster.name !== undefined ? { 'k8s.cluster.name': cluster.name } : {}),
            ...(cluster.uid !== undefined ? { 'k8s.cluster.uid': cluster.uid } : {}),
          });
          const sdk = resourceFromAttributes({ 'service.name': 'kubelet' }).merge(
            resourceFromAttributes({ 'service.namespace': 'kubernetes', 'service.version': '0.1.0' })
              .merge(detectResources({ detectors: [envDetector] }))
              .merge(identity),
          );
          const ours = SpanResources.fromEnvironment(cluster, env).forComponent('kubelet').attributes;
          expect(Object.entries(ours)).toEqual(Object.entries(sdk.attributes));
        },
      ),
      { numRuns: 500 },
    );
  });
});
