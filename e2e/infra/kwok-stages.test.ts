import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kwokStagesPath } from './kwok-cluster.ts';

interface Stage {
  kind: string;
  metadata: { name: string };
  spec: { resourceRef: { kind: string }; steps?: Array<{ apply?: { template: string } }> };
}

const stages = parseAllDocuments(readFileSync(kwokStagesPath, 'utf8')).map((d) => d.toJS() as Stage);

describe('kwok-stages.yaml', () => {
  it('has node stages too, because any Stage replaces all of kwok default stages', () => {
    expect(stages.every((s) => s.kind === 'Stage')).toBe(true);
    expect(stages.filter((s) => s.spec.resourceRef.kind === 'Node').map((s) => s.metadata.name)).toEqual([
      'kspan-node-initialize',
      'kspan-node-heartbeat',
    ]);
  });

  it.each([
    ['kspan-pod-pulling', ['Pulling']],
    ['kspan-pod-start', ['Pulled', 'Created', 'Started']],
    ['kspan-pod-pull-failed', ['Failed', 'Failed']],
    ['kspan-pod-pull-backoff', ['BackOff', 'Failed']],
    ['kspan-pod-stop', ['Killing']],
  ])('%s emits kubelet events %j in order', (name, reasons) => {
    const stage = stages.find((s) => s.metadata.name === name);
    const templates = (stage?.spec.steps ?? []).flatMap((step) => (step.apply ? [step.apply.template] : []));
    expect(templates.map((t) => /^reason: (\S+)$/m.exec(t)?.[1])).toEqual(reasons);
    for (const t of templates) expect(t).toMatch(/source: \{component: kubelet/);
  });
});
