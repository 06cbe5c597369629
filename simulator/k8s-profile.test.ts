import { describe, expect, it } from 'vitest';
import { eraProfiles, profileNamed, PROFILES, type K8sProfile } from './k8s-profile.ts';
import { SCENARIOS } from './scenario-catalog.ts';
import type { EventHappening } from './story.ts';
import { World } from './world.ts';

const profile = (id: string): K8sProfile => {
  const p = PROFILES[id];
  if (p === undefined) throw new Error(id);
  return p;
};

describe('profileNamed', () => {
  it.each([
    ['1.8', '1.8'],
    ['1.10', '1.8'],
    ['v1.12.3', '1.11'],
    ['1.22', '1.16'],
    ['1.24', '1.23'],
    ['1.31', '1.31'],
    ['1.40', '1.35'],
    ['default', 'default'],
  ])('%s → %s', (name, id) => {
    expect(profileNamed(name).id).toBe(id);
  });

  it.each(['1.7', '2.0', 'latest', ''])('rejects %j with the known names', (name) => {
    expect(() => profileNamed(name)).toThrow(/known: 1\.8, /);
  });
});

describe('era wordings (from the Kubernetes source history)', () => {
  it.each([
    ['1.8', 'Scaled up replica set web-1 to 3', 'Successfully assigned web-1-x to n1', 'Created container'],
    ['1.11', 'Scaled up replica set web-1 to 3', 'Successfully assigned ns/web-1-x to n1', 'Created container'],
    ['1.14', 'Scaled up replica set web-1 to 3', 'Successfully assigned ns/web-1-x to n1', 'Created container app'],
    [
      '1.23',
      'Scaled up replica set web-1 to 3 from 1',
      'Successfully assigned ns/web-1-x to n1',
      'Created container app',
    ],
    [
      '1.31',
      'Scaled up replica set web-1 from 1 to 3',
      'Successfully assigned ns/web-1-x to n1',
      'Created container app',
    ],
    ['1.35', 'Scaled up replica set web-1 from 1 to 3', 'Successfully assigned ns/web-1-x to n1', 'Container created'],
  ])('%s', (id, scaled, scheduled, created) => {
    const p = profile(id);
    expect(p.scaled('up', 'web-1', 1, 3)).toBe(scaled);
    expect(p.scheduled('ns', 'web-1-x', 'n1')).toBe(scheduled);
    expect(p.created('app')).toBe(created);
  });

  it('stops a deleted Pod with the old kubelet wording before 1.14', () => {
    expect(profile('1.11').stopping('app', 'uid')).toBe('Killing container with id docker://app:Need to kill Pod');
    expect(profile('1.14').stopping('app', 'uid')).toBe('Stopping container app');
    expect(profile('1.8').pulling('nginx')).toBe('pulling image "nginx"');
  });
});

function eventsOf(id: string, scenario: string): EventHappening[] {
  const story = SCENARIOS[scenario]?.build(5, { profile: profile(id) });
  return (story?.happenings ?? []).filter((h): h is EventHappening => h.type === 'event');
}

describe('Event API per era', () => {
  it('serves the scheduler through core/v1 before 1.16: whole-second timestamps and a count', () => {
    const scheduled = eventsOf('1.14', 'deployment-create').find((h) => h.event.reason === 'Scheduled');
    expect(scheduled?.event).toMatchObject({ apiVersion: 'v1', count: 1, eventTime: null, reportingComponent: '' });
    expect((scheduled?.event as { firstTimestamp?: string }).firstTimestamp).toMatch(/:\d\dZ$/);
  });

  it('reads an events.k8s.io Scheduled through core/v1 as eventTime and action only', () => {
    const scheduled = eventsOf('1.23', 'deployment-create').find((h) => h.event.reason === 'Scheduled');
    expect(scheduled?.event).toMatchObject({
      apiVersion: 'v1',
      action: 'Binding',
      firstTimestamp: null,
      lastTimestamp: null,
      source: {},
    });
    expect(scheduled?.event).not.toHaveProperty('count');
    expect((scheduled?.event as { eventTime?: string }).eventTime).toMatch(/\.\d{6}Z$/);
  });

  it('reads core/v1 Events through events.k8s.io/v1 with deprecated* fields from 1.31 on', () => {
    const created = eventsOf('1.31', 'deployment-create').find((h) => h.event.reason === 'SuccessfulCreate');
    expect(created?.event).toMatchObject({ apiVersion: 'events.k8s.io/v1', eventTime: null, deprecatedCount: 1 });
  });

  it('leaves managedFields out before 1.16 (server-side field tracking came with 1.18)', () => {
    const story = SCENARIOS['rolling-update']?.build(5, { profile: profile('1.14') });
    const objects = (story?.happenings ?? []).filter((h) => h.type === 'object');
    expect(objects.length).toBeGreaterThan(0);
    for (const h of objects) expect(h.object.metadata).not.toHaveProperty('managedFields');
  });

  it('reports SuccessfulMountVolume only in the 1.8 era', () => {
    expect(eventsOf('1.8', 'deployment-create').some((h) => h.event.reason === 'SuccessfulMountVolume')).toBe(true);
    expect(eventsOf('1.11', 'deployment-create').some((h) => h.event.reason === 'SuccessfulMountVolume')).toBe(false);
  });

  it.each(eraProfiles().map((p) => [p.id, p]))('%s: every scenario still has a consistent truth', (_id, p) => {
    for (const [name, def] of Object.entries(SCENARIOS)) {
      const story = def.build(9, { profile: p });
      const uids = new Set(story.happenings.flatMap((h) => (h.type === 'event' ? [h.event.metadata?.uid] : [])));
      expect(uids.size, name).toBe(Object.keys(story.truth.events).length);
    }
  });
});

describe('events.k8s.io series writes (client-go tools/events)', () => {
  const S = 1_000_000;
  function writes(p: K8sProfile, occurrences: number, everyS: number): number[] {
    const w = new World({ seed: 1, profile: p });
    const pod = { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'default', uid: 'u' } as const;
    const obj = { ...pod, creationUs: w.startUs, labels: {}, annotations: {}, managedFields: [], spec: {} };
    const cause = w.root(obj);
    const spec = { api: 'events.k8s.io/v1' as const, involved: obj, reason: 'FailedScheduling', message: 'no' };
    const h = w.event({ ...spec, component: 'default-scheduler', timeUs: w.startUs, cause });
    for (let i = 1; i < occurrences; i++) w.repeat(h, w.startUs + i * everyS * S);
    return w
      .finish('t')
      .happenings.filter((x) => x.type === 'event')
      .map((x) => Math.round((x.timeUs - w.startUs) / S));
  }

  it('writes every occurrence when the profile does not batch', () => {
    expect(writes(profile('default'), 9, 300)).toHaveLength(9);
  });

  it('writes the first two, then every 30 min, then when the series ends', () => {
    // 40 min pending, retried every 5 min: 0, 300, refresh at 300 + 1800, finish 6 min after the last (2400).
    expect(writes(profile('1.23'), 9, 300)).toEqual([0, 300, 2100, 2760]);
  });
});
