import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../cli/scenarios-command.ts';
import { replay, type InputRecord } from '../core/index.ts';
import { redeliver } from '../core/test-support/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import { scoreRun } from '../simulator/accuracy.ts';
import { recordedTruth } from './recorded-truth.ts';

/** The live recordings of the e2e story (kwok-live-*) that come with a truth.json. */
const recorded = (await listScenarios()).filter(
  (s) => s.name.startsWith('kwok-live-') && existsSync(join(dirname(s.input), 'truth.json')),
);

function load(path: string): InputRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, path, i + 1) ?? []);
}

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString();

/** A Deployment snapshot at resourceVersion `rv`. */
function deployment(s: number, rv: number, generation: number, opts: { deleted?: boolean } = {}): InputRecord {
  return {
    type: 'object',
    at: at(s),
    ...(opts.deleted === true ? { deleted: true } : {}),
    object: {
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', uid: 'd-uid', resourceVersion: String(rv), generation },
    },
  };
}

function replicaSet(s: number, name: string): InputRecord {
  return {
    type: 'object',
    at: at(s),
    object: {
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: 'default',
        uid: `${name}-uid`,
        ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }],
      },
    },
  };
}

/** An events.k8s.io/v1 Event stored at etcd revision `rv`, about `kind/name` (a Deployment at `aboutRv`). */
function event(s: number, rv: number, kind: string, name: string, reason: string, note: string, aboutRv = 0) {
  const record: InputRecord = {
    type: 'event',
    at: at(s),
    event: {
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: `${name}.${rv}`, namespace: 'default', uid: `e${rv}`, resourceVersion: String(rv) },
      regarding: {
        kind,
        name,
        namespace: 'default',
        uid: kind === 'Deployment' ? 'd-uid' : `${name}-uid`,
        resourceVersion: String(aboutRv),
      },
      reason,
      note,
    },
  };
  return record;
}

const parents = (records: readonly InputRecord[]) =>
  Object.fromEntries(Object.entries(recordedTruth(records, 't').events).map(([uid, e]) => [uid, e.parent]));

describe('the truth of a recorded e2e session comes from the recording itself', () => {
  it.each([
    [
      '≤ 1.22 wording ("to N", no from): the second scale-up accounts for the count past the first',
      ['Scaled up replica set web-1 to 2', 'Scaled up replica set web-1 to 3'],
    ],
    [
      '1.23–1.30 wording ("to N from M")',
      ['Scaled up replica set web-1 to 2', 'Scaled up replica set web-1 to 3 from 2'],
    ],
    [
      '1.31+ wording ("from M to N"), the second one aggregated by client-go',
      [
        'Scaled up replica set web-1 from 0 to 2',
        '(combined from similar events): Scaled up replica set web-1 from 2 to 3',
      ],
    ],
  ])('%s', (_name, [first, second]) => {
    const records = [
      deployment(0, 10, 1),
      replicaSet(0, 'web-1'),
      event(1, 11, 'Deployment', 'web', 'ScalingReplicaSet', first as string, 10),
      // The second create reached etcd before the second scaling's event did (rv 13 < 14): by count, it is
      // still the first scaling's.
      event(1, 12, 'ReplicaSet', 'web-1', 'SuccessfulCreate', 'Created pod: web-1-a'),
      event(1, 13, 'ReplicaSet', 'web-1', 'SuccessfulCreate', 'Created pod: web-1-b'),
      deployment(2, 20, 2),
      event(2, 21, 'Deployment', 'web', 'ScalingReplicaSet', second as string, 20),
      event(2, 22, 'ReplicaSet', 'web-1', 'SuccessfulCreate', 'Created pod: web-1-c'),
      event(3, 23, 'Pod', 'web-1-c', 'Scheduled', 'Successfully assigned default/web-1-c to n'),
    ];
    // Delivered in another order than etcd's: the truth does not depend on it.
    expect(parents([...records].reverse())).toEqual({
      e11: 'root:d-uid:1',
      e12: 'e11',
      e13: 'e11',
      e21: 'root:d-uid:2',
      e22: 'e21',
      e23: 'e22',
    });
  });

  it('a Pod stopped with no controller deleting it is garbage collection of its deleted Deployment', () => {
    const records = [
      deployment(0, 10, 1),
      replicaSet(0, 'web-1'),
      event(1, 11, 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-1 to 2', 10),
      event(1, 12, 'ReplicaSet', 'web-1', 'SuccessfulCreate', 'Created pod: web-1-a'),
      event(1, 13, 'ReplicaSet', 'web-1', 'SuccessfulCreate', 'Created pod: web-1-b'),
      deployment(2, 20, 2),
      event(2, 21, 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled down replica set web-1 to 1 from 2', 20),
      event(2, 22, 'ReplicaSet', 'web-1', 'SuccessfulDelete', 'Deleted pod: web-1-a'),
      event(3, 23, 'Pod', 'web-1-a', 'Killing', 'Stopping container nginx'),
      deployment(4, 30, 2, { deleted: true }),
      event(5, 31, 'Pod', 'web-1-b', 'Killing', 'Stopping container nginx'),
    ];
    const truth = recordedTruth(records, 't');
    expect(truth.events.e23?.parent).toBe('e22');
    expect(truth.events.e31).toMatchObject({ parent: 'root:d-uid:2', trace: 'root:d-uid:2' });
    expect(truth.events.e23?.trace).toBe('root:d-uid:2');
    expect(truth.events.e12?.trace).toBe('root:d-uid:1');
  });

  it.each([
    [
      'a reason the story does not have',
      event(1, 11, 'Node', 'n', 'NodeNotReady', 'Node n status is now: NodeNotReady'),
    ],
    [
      'a create no scaling accounts for',
      event(1, 11, 'ReplicaSet', 'web-1', 'SuccessfulCreate', 'Created pod: web-1-a'),
    ],
    [
      'a Pod of no known ReplicaSet event',
      event(1, 11, 'Pod', 'stray', 'Scheduled', 'Successfully assigned default/stray to n'),
    ],
  ])('refuses %s rather than guessing', (_name, record) => {
    expect(() => recordedTruth([deployment(0, 10, 1), replicaSet(0, 'web-1'), record], 't')).toThrow(/^t: /);
  });

  it('has the recordings of more than one Kubernetes minor', () => {
    const minors = new Set(recorded.map((s) => s.name.split('@')[1]));
    expect(minors.size).toBeGreaterThanOrEqual(2);
  });

  it.each(recorded.map((s) => [s.name, s]))('%s: truth.json is what its recording says', (_name, s) => {
    const truth = JSON.parse(readFileSync(join(dirname(s.input), 'truth.json'), 'utf8')) as unknown;
    expect(recordedTruth(load(s.input), s.name)).toEqual(truth);
  });

  it.each(recorded.map((s) => [s.name, s]))('%s: every edge right in 50 delivery orders', (_name, s) => {
    const records = load(s.input);
    const truth = recordedTruth(records, s.name);
    for (let seed = 1; seed <= 50; seed++) {
      // Delivered again with up to 3 s of jitter (a live watch's own delay came on top): window 3 s + 1 s + slack.
      const score = scoreRun(replay(redeliver(records, seed, 3000), { windowMs: 7000 }).spans, truth);
      expect(
        {
          lost: score.lost,
          parents: score.parentTotal - score.parentCorrect,
          traces: score.traceTotal - score.traceCorrect,
        },
        `seed ${seed}: ${JSON.stringify(score.wrongEdges.slice(0, 2))}`,
      ).toEqual({ lost: 0, parents: 0, traces: 0 });
    }
  });
});
