import type { KspanSpan } from '../../core/index.ts';

/** A small finished span (tests): `name` in trace `trace`. */
export function kspanSpan(name: string, trace = 'a'.repeat(32), spanId = '0'.repeat(16)): KspanSpan {
  return {
    traceId: trace,
    spanId,
    name,
    startUs: 1_714_926_120_000_000,
    endUs: 1_714_926_121_000_000,
    serviceName: 'test',
    attributes: { 'k8s.namespace.name': 'default' },
    events: [],
    status: 'unset',
  };
}
