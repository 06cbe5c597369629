import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// The chart without helm (helm itself renders and lints it in `npm run test:helm`, a CI phase): its values against
// values.schema.json, and its templates against its values (every .Values path a template reads exists,
// every value is read by some template), plus the guards the chart promises.
const CHART = join(import.meta.dirname, 'helm', 'kspan');
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as Record<string, unknown>;
const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
const templates = readdirSync(join(CHART, 'templates')).map((f) => ({
  name: f,
  text: readFileSync(join(CHART, 'templates', f), 'utf8'),
}));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function withValue(path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(values);
  const keys = path.split('.');
  let node = copy;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys.at(-1) as string] = value;
  return copy;
}

/** Every `.Values.a.b` a template reads. */
function valuePathsRead(): Set<string> {
  const paths = new Set<string>();
  for (const t of templates)
    for (const m of t.text.matchAll(/\.Values((?:\.\w+)+)/g)) paths.add((m[1] as string).slice(1));
  return paths;
}

function leafPaths(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length > 0 &&
    !['resources', 'podAnnotations', 'nodeSelector', 'affinity'].includes(k)
      ? leafPaths(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

describe('Helm chart values', () => {
  it('values.yaml satisfies values.schema.json', () => {
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['replicaCount', 'two'],
    ['otlp.protocol', 'thrift'],
    ['otlp.endpoint', 'collector:4317'],
    ['window', '5'],
    ['metricsPort', 70000],
    ['eventTypes', ['Fatal']],
    ['rbac.extraRules', [{ apiGroups: [''], resources: ['secrets'], verbs: ['delete'] }]],
    ['extraArgs', ['kinds=Pod']],
    ['extraEnv', [{ value: 'no name' }]],
    ['imagePullSecrets', [{}]],
    ['typoedKey', true],
  ])('rejects %s = %j', (path, value) => {
    expect(validate(withValue(path, value))).toBe(false);
  });

  it.each([
    ['rbac.extraRules', [{ apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: ['get', 'list', 'watch'] }]],
    ['extraArgs', ['--kinds=Pod,Deployment']],
    ['extraEnv', [{ name: 'OTEL_SERVICE_NAME', value: 'k8s' }]],
    ['imagePullSecrets', [{ name: 'regcred' }]],
    ['otlp.protocol', 'http/protobuf'],
    ['clusterName', 'prod-eu'],
  ])('accepts %s = %j', (path, value) => {
    expect(validate(withValue(path, value)), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('Helm chart templates', () => {
  it('read only values that exist, and every value is read', () => {
    const read = valuePathsRead();
    const defined = new Set(leafPaths(values));
    expect([...read].filter((p) => !defined.has(p) && ![...defined].some((d) => d.startsWith(`${p}.`))).sort()).toEqual(
      [],
    );
    expect([...defined].filter((d) => !read.has(d)).sort()).toEqual([]);
  });

  it('refuse replicaCount > 1 without leader election (every replica would export every trace)', () => {
    const deployment = templates.find((t) => t.name === 'deployment.yaml')!.text;
    expect(deployment).toMatch(
      /if and \(gt \(int \.Values\.replicaCount\) 1\) \(not \.Values\.leaderElect\)\s*\}\}\s*\{\{-? fail "/,
    );
  });

  it('point prometheus.io/port at metricsPort, which also names the container port and the flag', () => {
    const deployment = templates.find((t) => t.name === 'deployment.yaml')!.text;
    expect(deployment).toContain('prometheus.io/port: {{ .Values.metricsPort | quote }}');
    expect(deployment).toContain('--metrics-addr=:{{ .Values.metricsPort }}');
    expect(deployment).toContain('containerPort: {{ .Values.metricsPort }}');
    expect(JSON.stringify(values.podAnnotations)).not.toMatch(/prometheus\.io\/port/);
  });

  it('ship NOTES.txt naming the endpoint and how to check the metrics', () => {
    const notes = templates.find((t) => t.name === 'NOTES.txt')!.text;
    expect(notes).toContain('{{ .Values.otlp.endpoint }}');
    expect(notes).toContain('/metrics');
  });
});
