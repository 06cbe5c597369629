import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, 'main.ts');
const SCENARIO = join(import.meta.dirname, '..', 'scenarios', 'deployment-create');

function kspan(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kspan CLI', () => {
  it('--help explains the commands', () => {
    const r = kspan('--help');
    expect(r.stdout).toMatch(/replay \[options\] <files\.\.\.>/);
    expect(r.stdout).toMatch(/demo/);
  });

  it('replay prints the trace tree of an input log', () => {
    const r = kspan('replay', join(SCENARIO, 'input.ndjson'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^trace [0-9a-f]{32} \(14 spans\)\nDeployment\.Update {2}kubectl-client-side-apply {2}default\/web/,
    );
    expect(r.stdout).toMatch(/└─ Deployment\.ScalingReplicaSet {2}deployment-controller {2}"Scaled up replica set/);
  });

  it('replay reads a kspan capture file', () => {
    const r = kspan('replay', join(import.meta.dirname, '..', 'input-log', 'testdata', 'two-documents.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Deployment\.Update {2}kubectl-client-side-apply {2}default\/px {2}gen 1/);
    expect(r.stdout).toMatch(
      /└─ Deployment\.ScalingReplicaSet {2}deployment-controller {2}"Scaled up replica set px-5f87d8856c to 2"/,
    );
  });

  it('--output otlp-json prints OTLP JSON Lines, --single-document one ExportTraceServiceRequest', () => {
    const r = kspan('replay', join(SCENARIO, 'input.ndjson'), '--output', 'otlp-json');
    expect(r.code).toBe(0);
    type Request = {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: { traceId: string; spanId: string; name: string }[] }[];
      }[];
    };
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    const requests = lines.map((l) => JSON.parse(l) as Request);
    const services = [
      ...new Set(
        requests.flatMap((req) =>
          req.resourceSpans.map(
            (rs) => rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
          ),
        ),
      ),
    ].sort();
    expect(services).toEqual([
      'default-scheduler',
      'deployment-controller',
      'kubectl-client-side-apply',
      'kubelet',
      'replicaset-controller',
    ]);
    const spans = requests.flatMap((req) => req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    expect(spans).toHaveLength(14);
    expect(spans.every((s) => /^[0-9a-f]{32}$/.test(s.traceId))).toBe(true);
    const single = kspan('replay', join(SCENARIO, 'input.ndjson'), '--output', 'otlp-json', '--single-document');
    expect(single.code).toBe(0);
    expect(single.stdout.trimEnd().split('\n')).toHaveLength(1);
    const doc = JSON.parse(single.stdout) as Request;
    const ids = (xs: { spanId: string }[]): string[] => xs.map((s) => s.spanId).sort();
    expect(ids(doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))).toEqual(ids(spans));
  });

  it('--cluster-name is a resource attribute of every printed OTLP request, JSON Lines as the single document', () => {
    for (const extra of [[], ['--single-document']]) {
      const r = kspan(
        'replay',
        join(SCENARIO, 'input.ndjson'),
        '-o',
        'otlp-json',
        '--cluster-name',
        'prod-eu',
        ...extra,
      );
      expect(r.code).toBe(0);
      const resources = r.stdout
        .trimEnd()
        .split('\n')
        .flatMap(
          (l) => (JSON.parse(l) as { resourceSpans: { resource: { attributes: { key: string }[] } }[] }).resourceSpans,
        )
        .map((rs) => JSON.stringify(rs.resource.attributes));
      expect(resources.length).toBeGreaterThan(1);
      for (const attrs of resources)
        expect(attrs).toContain('{"key":"k8s.cluster.name","value":{"stringValue":"prod-eu"}}');
    }
  });

  it('--check passes on the golden tree and fails with a diff otherwise', () => {
    const golden = join(SCENARIO, 'golden.tree');
    expect(kspan('replay', join(SCENARIO, 'input.ndjson'), '--rules', '--check', golden).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'kspan-'));
    const edited = join(dir, 'golden.tree');
    writeFileSync(edited, readFileSync(golden, 'utf8').replace('Pod.Started', 'Pod.Exploded'));
    const r = kspan('replay', join(SCENARIO, 'input.ndjson'), '--rules', '--check', edited);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/- .*Pod\.Exploded/);
    expect(r.stderr).toMatch(/\+ .*Pod\.Started/);
  });

  it.each([
    [
      'a missing file',
      ['replay', '/no/such/file.ndjson'],
      /^kspan: \/no\/such\/file\.ndjson: cannot read it \(ENOENT\); check the path\n$/,
    ],
    ['a malformed line', ['replay', 'MALFORMED'], /^kspan: .*bad\.ndjson:2: not valid JSON .*\n$/],
    [
      'a bad duration',
      ['replay', '--window', 'soon', join(SCENARIO, 'input.ndjson')],
      /^kspan: --window: expected a duration like 5s/,
    ],
    [
      '--single-document without otlp-json',
      ['replay', '--single-document', join(SCENARIO, 'input.ndjson')],
      /^kspan: --single-document goes with --output otlp-json\n$/,
    ],
    [
      'a bad output format',
      ['replay', '--output', 'xml', join(SCENARIO, 'input.ndjson')],
      /^kspan: --output must be tree, otlp-json or html/,
    ],
  ])('gives one clear line and exit 2 for %s', (_name, args, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'kspan-'));
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"type":"tick","at":"2024-05-05T16:22:00Z"}\n{oops\n');
    const r = kspan(...args.map((a) => (a === 'MALFORMED' ? bad : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
