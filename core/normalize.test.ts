import { describe, expect, it } from 'vitest';
import { Diagnostics } from './diagnostics.ts';
import type { KubeEvent } from './kube.ts';
import { normalizeEvent } from './normalize.ts';
import { parseTimeUs } from './time.ts';

const regarding = { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'p1' };

describe('normalizeEvent', () => {
  it.each<[string, KubeEvent, { timeUs: number; firstUs: number; count: number; component: string; precise: boolean }]>(
    [
      [
        'core/v1 with first/last timestamps',
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { uid: 'e', name: 'x', namespace: 'default' },
          involvedObject: regarding,
          reason: 'BackOff',
          firstTimestamp: '2024-05-05T16:22:00Z',
          lastTimestamp: '2024-05-05T16:22:30Z',
          count: 7,
          source: { component: 'kubelet', host: 'node-1' },
        },
        {
          timeUs: parseTimeUs('2024-05-05T16:22:30Z')!,
          firstUs: parseTimeUs('2024-05-05T16:22:00Z')!,
          count: 7,
          component: 'kubelet',
          precise: false,
        },
      ],
      [
        'core/v1 prefers microsecond eventTime',
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { uid: 'e' },
          involvedObject: regarding,
          reason: 'Scheduled',
          eventTime: '2024-05-05T16:22:00.073450Z',
          lastTimestamp: '2024-05-05T16:22:00Z',
          reportingComponent: 'default-scheduler',
        },
        {
          timeUs: parseTimeUs('2024-05-05T16:22:00.073450Z')!,
          firstUs: parseTimeUs('2024-05-05T16:22:00.073450Z')!,
          count: 1,
          component: 'default-scheduler',
          precise: true,
        },
      ],
      [
        'events.k8s.io/v1 with series',
        {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          metadata: { uid: 'e' },
          regarding,
          reason: 'BackOff',
          note: 'Back-off',
          eventTime: '2024-05-05T16:22:00.100000Z',
          series: { count: 12, lastObservedTime: '2024-05-05T16:25:00.500000Z' },
          reportingController: 'kubelet',
        },
        {
          timeUs: parseTimeUs('2024-05-05T16:25:00.5Z')!,
          firstUs: parseTimeUs('2024-05-05T16:22:00.1Z')!,
          count: 12,
          component: 'kubelet',
          precise: true,
        },
      ],
      [
        'falls back to firstTimestamp when lastTimestamp is malformed',
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { uid: 'e' },
          involvedObject: regarding,
          reason: 'X',
          firstTimestamp: '2024-05-05T16:22:00Z',
          lastTimestamp: 'yesterday',
        },
        {
          timeUs: parseTimeUs('2024-05-05T16:22:00Z')!,
          firstUs: parseTimeUs('2024-05-05T16:22:00Z')!,
          count: 1,
          component: 'unknown',
          precise: false,
        },
      ],
    ],
  )('%s', (_name, raw, expected) => {
    const d = new Diagnostics();
    const n = normalizeEvent(raw, 0, d);
    expect(n).toMatchObject(expected);
    expect(n?.regarding).toMatchObject({ kind: 'Pod', name: 'web-1', namespace: 'default' });
  });

  it('reads the message from `note` on events.k8s.io/v1 and `message` on core/v1', () => {
    const d = new Diagnostics();
    expect(
      normalizeEvent(
        {
          apiVersion: 'events.k8s.io/v1',
          metadata: { uid: 'a' },
          regarding,
          note: 'n',
          eventTime: '2024-05-05T16:22:00.1Z',
        },
        0,
        d,
      )?.message,
    ).toBe('n');
    expect(
      normalizeEvent(
        {
          apiVersion: 'v1',
          metadata: { uid: 'b' },
          involvedObject: regarding,
          message: 'm',
          lastTimestamp: '2024-05-05T16:22:00Z',
        },
        0,
        d,
      )?.message,
    ).toBe('m');
  });

  it.each<[string, unknown]>([
    ['an object of another kind', { apiVersion: 'v1', kind: 'Pod', metadata: { uid: 'p', name: 'web-1' } }],
    ['an empty payload', {}],
    ['only metadata', { metadata: { uid: 'e', name: 'x', namespace: 'default' } }],
  ])('refuses %s: it is not an Event (not-an-event)', (_name, raw) => {
    const d = new Diagnostics();
    expect(normalizeEvent(raw as KubeEvent, 0, d)).toBeUndefined();
    expect(d.counts).toEqual({ 'not-an-event': 1 });
  });

  it.each<[string, KubeEvent, string, Record<string, unknown>]>([
    [
      'no kind (name and uid only)',
      {
        apiVersion: 'v1',
        metadata: { uid: 'e', namespace: 'ops' },
        involvedObject: { name: 'etcd-operator', uid: 'u1', namespace: 'ops' },
        reason: 'X',
        lastTimestamp: '2024-05-05T16:22:00Z',
      },
      'kind',
      { kind: '', name: 'etcd-operator', namespace: 'ops', uid: 'u1' },
    ],
    [
      'no name (kind only)',
      {
        apiVersion: 'v1',
        metadata: { uid: 'e', namespace: 'default' },
        involvedObject: { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1' },
        reason: 'LeaderElection',
        lastTimestamp: '2024-05-05T16:22:00Z',
      },
      'name',
      { kind: 'Lease', name: '', namespace: 'default' },
    ],
    [
      'an empty involvedObject',
      {
        apiVersion: 'v1',
        metadata: { uid: 'e', namespace: 'kube-system' },
        involvedObject: {},
        reason: 'bootstrap-success',
        lastTimestamp: '2024-05-05T16:22:00Z',
      },
      'kind,name',
      { kind: '', name: '', namespace: 'kube-system' },
    ],
    [
      'no involvedObject at all',
      { apiVersion: 'v1', metadata: { uid: 'e' }, reason: 'X', lastTimestamp: '2024-05-05T16:22:00Z' },
      'kind,name',
      { kind: '', name: '', namespace: '' },
    ],
    [
      'an events.k8s.io/v1 regarding without kind',
      {
        apiVersion: 'events.k8s.io/v1',
        metadata: { uid: 'e', namespace: 'ops' },
        regarding: { name: 'x' },
        reason: 'X',
        eventTime: '2024-05-05T16:22:00.1Z',
      },
      'kind',
      { kind: '', name: 'x', namespace: 'ops' },
    ],
  ])('keeps an Event with %s, says what was missing (incomplete-subject)', (_name, raw, missing, regarding) => {
    const d = new Diagnostics();
    const n = normalizeEvent(raw, 0, d);
    expect(n?.regarding).toMatchObject(regarding);
    expect(n?.incomplete?.missing).toBe(missing);
    expect(d.counts['incomplete-subject']).toBe(1);
    expect(d.recent.find((r) => r.code === 'incomplete-subject')?.detail).toMatch(
      missing === 'kind,name' ? /without kind and name/ : new RegExp(`without ${missing}$`),
    );
  });

  it('gives nameless Events without uid distinct IDs, stable across occurrences', () => {
    const d = new Diagnostics();
    const base = {
      apiVersion: 'v1',
      metadata: { namespace: 'kube-system' },
      involvedObject: {},
      reason: 'bootstrap-success',
      message: 'Required control plane pods have been created',
      firstTimestamp: '2024-05-05T16:22:00Z',
      lastTimestamp: '2024-05-05T16:22:00Z',
    } satisfies KubeEvent;
    const again = { ...base, lastTimestamp: '2024-05-05T16:25:00Z', count: 2 };
    const other = { ...base, reason: 'bootstrap-failed', message: 'Timed out' };
    const uid = normalizeEvent(base, 0, d)?.uid;
    expect(uid).toBe(normalizeEvent(again, 7, d)?.uid);
    expect(uid).not.toBe(normalizeEvent(other, 0, d)?.uid);
    expect(d.counts['no-event-uid']).toBe(3);
  });

  it('uses the receive time when no timestamp parses, and says so', () => {
    const d = new Diagnostics();
    const n = normalizeEvent(
      { apiVersion: 'v1', metadata: { uid: 'e' }, involvedObject: regarding, lastTimestamp: 'garbage' },
      42_000_000,
      d,
    );
    expect(n?.timeUs).toBe(42_000_000);
    expect(d.counts).toMatchObject({ 'malformed-timestamp': 1, 'no-timestamp': 1 });
  });

  it('derives a stable id for an event without uid', () => {
    const d = new Diagnostics();
    const raw: KubeEvent = {
      apiVersion: 'v1',
      metadata: { name: 'x', namespace: 'ns' },
      involvedObject: regarding,
      lastTimestamp: '2024-05-05T16:22:00Z',
    };
    expect(normalizeEvent(raw, 0, d)?.uid).toBe(normalizeEvent(raw, 5, d)?.uid);
    expect(d.counts['no-event-uid']).toBe(2);
  });
});
