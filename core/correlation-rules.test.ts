import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import type { CorrelationRule, RuleInput } from './correlation-rule.ts';
import { CORRELATION_RULES } from './correlation-rules.ts';
import type { InputRecord } from './input-record.ts';
import { replay } from './replay.ts';
import { garbageCollection } from './rules/garbage-collection.ts';
import { nodeCause } from './rules/node-cause.ts';
import { objectCause } from './rules/object-cause.ts';
import { observedChild } from './rules/observed-child.ts';
import { ev, obj } from './test-support/index.ts';

const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');

function load(name: string): InputRecord[] {
  const path = join(SCENARIOS, name, 'input.ndjson');
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, path, i + 1) ?? []);
}

const scenarioNames = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && readdirSync(join(SCENARIOS, e.name)).includes('input.ndjson'))
  .map((e) => e.name);

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * A node fails under a running Pod, as Kubernetes records it (no bundled scenario has a victim on the failed
 * node): node-lifecycle-controller's NodeNotReady on the Node and on the Pod, then taint-eviction after 300 s.
 */
const nodeFailure: InputRecord[] = [
  {
    type: 'object',
    at: '2024-05-05T16:22:00.000Z',
    object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'uid-n1' } },
  },
  obj(0, 'Deployment', 'web', { manager: 'kubectl-client-side-apply' }),
  obj(0, 'ReplicaSet', 'web-5d5', { owner: ['Deployment', 'web'] }),
  obj(0, 'Pod', 'web-5d5-a', { owner: ['ReplicaSet', 'web-5d5'] }),
  ev(1, 's1', 'Deployment', 'web', 'ScalingReplicaSet', 'Scaled up replica set web-5d5 from 0 to 1'),
  ev(1, 'c1', 'ReplicaSet', 'web-5d5', 'SuccessfulCreate', 'Created pod: web-5d5-a'),
  ev(2, 'p1', 'Pod', 'web-5d5-a', 'Scheduled', 'Successfully assigned default/web-5d5-a to n1'),
  ev(3, 'p2', 'Pod', 'web-5d5-a', 'Started', 'Started container app', { component: 'kubelet' }),
  ((): InputRecord => {
    const e = ev(60, 'n1', 'Node', 'n1', 'NodeNotReady', 'Node n1 status is now: NodeNotReady', {
      component: 'node-controller',
    });
    return { ...e, event: { ...e.event, involvedObject: { kind: 'Node', name: 'n1', uid: 'uid-n1' } } };
  })(),
  ev(61, 'p3', 'Pod', 'web-5d5-a', 'NodeNotReady', 'Node is not ready', {
    component: 'node-controller',
    type: 'Warning',
  }),
  ev(361, 'p4', 'Pod', 'web-5d5-a', 'TaintManagerEviction', 'Marking for deletion Pod default/web-5d5-a', {
    component: 'taint-eviction-controller',
  }),
];

const inputs: [string, InputRecord[]][] = [
  ...scenarioNames.map((n): [string, InputRecord[]] => [n, load(n)]),
  ['a node failure', nodeFailure],
];

/** Which of `rules` answer each input the engine asks any of them about (all of them asked, not only the first). */
function answersPerInput(records: readonly InputRecord[], rules: readonly CorrelationRule[]): string[][] {
  const originals = new Map(rules.map((r) => [r, r.find.bind(r)]));
  const seen = new Set<RuleInput>();
  const out: string[][] = [];
  for (const rule of rules) {
    vi.spyOn(rule, 'find').mockImplementation((input: RuleInput) => {
      if (!seen.has(input)) {
        seen.add(input);
        // The rules are pure lookups (bookkeeping comes after the choice): asking all of them changes nothing.
        out.push(rules.filter((r) => originals.get(r)?.(input) !== undefined).map((r) => r.id));
      }
      return originals.get(rule)?.(input);
    });
  }
  try {
    replay(records, {});
  } finally {
    vi.restoreAllMocks();
  }
  return out;
}

describe('CORRELATION_RULES order', () => {
  // node-cause (NodeNotReady, TaintManagerEviction, NodeControllerEviction about a Pod), observed-child
  // (a controller's SawCompletedJob) and garbage-collection (a kubelet Killing that stops a container) answer
  // disjoint sets of events, so their order among themselves cannot change a choice: swapping two of them is an
  // equivalent mutant, and no test can fail on it. This guards what makes it so; were they ever to overlap,
  // their order would matter and would need a test of its own.
  it.each(inputs)(
    '%s: node-cause, observed-child and garbage-collection never answer the same event',
    (_name, records) => {
      const answers = answersPerInput(records, [nodeCause, observedChild, garbageCollection]);
      expect(answers.filter((a) => a.length > 1)).toEqual([]);
    },
  );

  it('those inputs do hold events of node-cause and garbage-collection', () => {
    const all = inputs.flatMap(([, records]) =>
      answersPerInput(records, [nodeCause, observedChild, garbageCollection]),
    );
    const count = (id: string) => all.filter((a) => a.includes(id)).length;
    expect(count('node-cause')).toBeGreaterThan(0);
    expect(count('garbage-collection')).toBeGreaterThan(0);
  });

  it.each([
    // A Pod's NodeNotReady: object-cause would hang it under the Pod's own creation, not the node's failure.
    ['node-cause', 'a node failure', nodeFailure, nodeCause],
    // A Pod stopped because its Deployment was deleted: object-cause would hang it under the Pod's creation.
    ['garbage-collection', 'kwok-live-session@1.22', load('kwok-live-session@1.22'), garbageCollection],
  ] as const)(
    '%s comes before object-cause: on %s both answer, and the first is the right one',
    (id, _name, records, rule) => {
      const answers = answersPerInput(records, [rule, objectCause]);
      expect(answers.filter((a) => a.length === 2 && a[0] === id).length).toBeGreaterThan(0);
      const ids = CORRELATION_RULES.map((r) => r.id);
      expect(ids.indexOf(id)).toBeLessThan(ids.indexOf('object-cause'));
    },
  );
});
