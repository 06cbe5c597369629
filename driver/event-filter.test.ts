import { describe, expect, it } from 'vitest';
import type { KubeEvent } from '../core/index.ts';
import { EventFilter } from './event-filter.ts';

const ev = (namespace: string, kind: string, type: string): KubeEvent => ({
  metadata: { namespace },
  regarding: { kind, namespace, name: 'x' },
  type,
});

describe('EventFilter', () => {
  it.each([
    [{}, ev('a', 'Pod', 'Normal'), undefined],
    [{ namespaces: ['a'] }, ev('b', 'Pod', 'Normal'), 'namespace'],
    [{ namespaces: ['a'] }, ev('a', 'Pod', 'Normal'), undefined],
    [{ excludeNamespaces: ['kube-system'] }, ev('kube-system', 'Pod', 'Normal'), 'namespace'],
    [{ kinds: ['pod', 'Deployment'] }, ev('a', 'Pod', 'Normal'), undefined],
    [{ kinds: ['Deployment'] }, ev('a', 'Pod', 'Normal'), 'kind'],
    [{ eventTypes: ['Warning'] }, ev('a', 'Pod', 'Normal'), 'type'],
    [{ eventTypes: ['warning'] }, ev('a', 'Pod', 'Warning'), undefined],
  ])('%o on %o → %s', (options, event, expected) => {
    expect(new EventFilter(options).reject(event)).toBe(expected);
  });
});
