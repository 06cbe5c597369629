import { describe, expect, it } from 'vitest';
import { diffSpecs, MAX_SUMMARY_PATHS, redactSpec, summarizeSpec } from './spec-diff.ts';

/** A Deployment spec with one container unless `containers` says otherwise. */
function deployment(
  o: { replicas?: number; image?: string; env?: Record<string, string>; containers?: unknown[]; extra?: object } = {},
): unknown {
  return {
    replicas: o.replicas ?? 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: o.containers ?? [
          {
            name: 'app',
            image: o.image ?? 'nginx:1.25',
            env: Object.entries(o.env ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
      },
    },
    ...o.extra,
  };
}

function texts(before: unknown, after: unknown): string[] {
  return diffSpecs(summarizeSpec(before), summarizeSpec(after)).map((c) => c.text);
}

describe('diffSpecs', () => {
  it.each([
    ['nothing changed', deployment(), deployment(), []],
    ['image', deployment(), deployment({ image: 'nginx:1.26' }), ['image nginx:1.25 → nginx:1.26']],
    ['replicas', deployment({ replicas: 2 }), deployment({ replicas: 4 }), ['replicas 2 → 4']],
    [
      'image and replicas at once, in path order',
      deployment({ replicas: 2 }),
      deployment({ replicas: 3, image: 'nginx:1.26' }),
      ['image nginx:1.25 → nginx:1.26', 'replicas 2 → 3'],
    ],
    [
      'env names added and removed, values never',
      deployment({ env: { KEEP: 'x', OLD: 'secret-old' } }),
      deployment({ env: { KEEP: 'y', NEW: 'secret-new', DEBUG: '1' } }),
      ['env +DEBUG +NEW -OLD'],
    ],
    ['an env value alone is no visible change', deployment({ env: { A: '1' } }), deployment({ env: { A: '2' } }), []],
    [
      'several containers are named',
      deployment({
        containers: [
          { name: 'app', image: 'a:1' },
          { name: 'sidecar', image: 'envoy:1.29' },
        ],
      }),
      deployment({
        containers: [
          { name: 'app', image: 'a:1' },
          { name: 'sidecar', image: 'envoy:1.30' },
        ],
      }),
      ['image[sidecar] envoy:1.29 → envoy:1.30'],
    ],
    [
      'a container added',
      deployment({ containers: [{ name: 'app', image: 'a:1' }] }),
      deployment({
        containers: [
          { name: 'app', image: 'a:1' },
          { name: 'log', image: 'fluent:2' },
        ],
      }),
      ['image[log] (unset) → fluent:2'],
    ],
    [
      'command and args by digest only',
      deployment({ containers: [{ name: 'app', image: 'a:1', args: ['--token=abc'] }] }),
      deployment({ containers: [{ name: 'app', image: 'a:1', args: ['--token=def'] }] }),
      ['args changed'],
    ],
    [
      'resources',
      deployment({ containers: [{ name: 'app', image: 'a:1', resources: { limits: { cpu: '500m' } } }] }),
      deployment({ containers: [{ name: 'app', image: 'a:1', resources: { limits: { cpu: '1' } } }] }),
      ['limits.cpu 500m → 1'],
    ],
    [
      'kubectl rollout restart',
      deployment(),
      {
        ...(deployment() as object),
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-05T16:22:00Z' } },
          spec: (deployment() as { template: { spec: unknown } }).template.spec,
        },
      },
      ['annotation kubectl.kubernetes.io/restartedAt set', 'label app removed'],
    ],
    [
      'strategy and paused',
      deployment({ extra: { strategy: { type: 'RollingUpdate' } } }),
      deployment({ extra: { strategy: { type: 'Recreate' }, paused: true } }),
      ['paused (unset) → true', 'strategy.type RollingUpdate → Recreate'],
    ],
    [
      'pod-level fields; lists as digests',
      { template: { spec: { containers: [], serviceAccountName: 'a', tolerations: [{ key: 'x' }] } } },
      { template: { spec: { containers: [], serviceAccountName: 'b', tolerations: [{ key: 'y' }] } } },
      ['serviceAccountName a → b', 'tolerations changed'],
    ],
    [
      'a CronJob schedule and its job template',
      {
        schedule: '*/5 * * * *',
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'b:1' }] } } } },
      },
      {
        schedule: '*/10 * * * *',
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'b:2' }] } } } },
      },
      ['image b:1 → b:2', 'schedule */5 * * * * → */10 * * * *'],
    ],
    ['the selector is left out (immutable)', { selector: { a: 1 } }, { selector: { a: 2 } }, []],
    ['no spec at all', undefined, deployment({ replicas: 1 }), expect.arrayContaining(['replicas (unset) → 1'])],
  ])('%s', (_name, before, after, expected) => {
    expect(texts(before, after)).toEqual(expected);
  });

  it('never keeps an env value or an args value in the summary', () => {
    const s = JSON.stringify(
      summarizeSpec(deployment({ env: { PASSWORD: 'hunter2' }, containers: undefined, extra: {} })),
    );
    expect(s).toContain('PASSWORD');
    expect(s).not.toContain('hunter2');
    const withArgs = summarizeSpec(deployment({ containers: [{ name: 'app', args: ['--password=hunter2'] }] }));
    expect(JSON.stringify(withArgs)).not.toContain('hunter2');
  });

  it('from and to are given for a value change', () => {
    expect(diffSpecs(summarizeSpec(deployment()), summarizeSpec(deployment({ image: 'nginx:1.26' })))).toEqual([
      { field: 'image', from: 'nginx:1.25', to: 'nginx:1.26', text: 'image nginx:1.25 → nginx:1.26' },
    ]);
  });

  it('bounds a summary: paths and value length', () => {
    const env = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`V${String(i).padStart(3, '0')}`, 'x']));
    const s = summarizeSpec(deployment({ env, image: 'x'.repeat(1000) }));
    expect(Object.keys(s)).toHaveLength(MAX_SUMMARY_PATHS);
    expect(Object.values(s).every((v) => v.length <= 120)).toBe(true);
  });

  it('never throws on odd specs', () => {
    for (const spec of [null, 1, 'x', [], { template: 1 }, { template: { spec: { containers: [null, 1, {}] } } }])
      expect(() => diffSpecs(summarizeSpec(spec), summarizeSpec(deployment()))).not.toThrow();
  });
});

describe('redactSpec', () => {
  const spec = deployment({
    env: { PASSWORD: 'hunter2', DEBUG: '1' },
    containers: undefined,
  });
  const withArgs = deployment({ containers: [{ name: 'app', image: 'a:1', args: ['--password=hunter2'] }] });

  it.each([
    ['env values', spec],
    ['args', withArgs],
  ])('takes out %s', (_name, s) => {
    expect(JSON.stringify(s)).toContain('hunter2');
    expect(JSON.stringify(redactSpec(s))).not.toContain('hunter2');
  });

  it.each([
    ['same summary', spec, spec],
    ['an image change', deployment(), deployment({ image: 'nginx:1.26' })],
    ['an env change', deployment({ env: { A: '1' } }), deployment({ env: { B: '1' } })],
    [
      'an args change',
      withArgs,
      deployment({ containers: [{ name: 'app', image: 'a:1', args: ['--password=other'] }] }),
    ],
  ])('tells the same changes as the original spec: %s', (_name, a, b) => {
    expect(texts(redactSpec(a), redactSpec(b))).toEqual(texts(a, b));
  });
});
