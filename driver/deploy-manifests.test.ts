import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseDurationMs } from '../common/duration.ts';
import { WATCHED_KINDS } from './kind-registry.ts';
import { DEFAULT_SHUTDOWN_GRACE } from './run-options.ts';

const DEPLOY = path.join(import.meta.dirname, '..', 'deploy');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML, read field by field
type Manifest = Record<string, any>;
const docs = (file: string): Manifest[] =>
  parseAllDocuments(fs.readFileSync(path.join(DEPLOY, file), 'utf8')).map((d) => d.toJSON() as Manifest);

const allows = (rules: Rule[], group: string, resource: string, verb: string): boolean =>
  rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

describe('deploy/', () => {
  it('grants exactly get/list/watch on events and on every kind the object cache watches, cluster-wide', () => {
    const role = docs('rbac.yaml').find((d) => d.kind === 'ClusterRole')!;
    const rules = role.rules as Rule[];
    const needed = [
      ['', 'events'],
      ['events.k8s.io', 'events'],
      ...WATCHED_KINDS.map((k) => [k.apiVersion.includes('/') ? k.apiVersion.split('/')[0]! : '', k.resource]),
    ];
    for (const [group, resource] of needed) {
      for (const verb of ['get', 'list', 'watch'])
        expect(allows(rules, group!, resource!, verb), `${verb} ${group}/${resource}`).toBe(true);
    }
    for (const rule of rules) expect(rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
  });

  it("grants the Lease only in kspan's own namespace", () => {
    const role = docs('rbac.yaml').find((d) => d.kind === 'Role')!;
    expect(role.metadata.namespace).toBe('kspan');
    const rules = role.rules as Rule[];
    for (const verb of ['get', 'create', 'update'])
      expect(allows(rules, 'coordination.k8s.io', 'leases', verb)).toBe(true);
  });

  it('runs as non-root with a read-only root filesystem, limits, and probes on /healthz and /readyz', () => {
    const deployment = docs('deployment.yaml').find((d) => d.kind === 'Deployment')!;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits).toBeDefined();
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.env.map((e: { name: string }) => e.name)).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(container.args).toContain('--leader-elect');
  });

  it('gives SIGTERM time to flush, and rolls out without a surge pod (a follower is never ready)', () => {
    const deployment = docs('deployment.yaml').find((d) => d.kind === 'Deployment')!;
    const pod = deployment.spec.template.spec;
    expect(parseDurationMs(DEFAULT_SHUTDOWN_GRACE, 'x') + 3000).toBeLessThanOrEqual(
      pod.terminationGracePeriodSeconds * 1000,
    );
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    const helm = fs.readFileSync(path.join(DEPLOY, 'helm', 'kspan', 'templates', 'deployment.yaml'), 'utf8');
    expect(helm).toContain('maxSurge: 0');
    expect(helm).not.toContain('--max-queue-size');
  });

  // The burst of 50k Pods peaks at ~345 MiB with V8's default young generation (2 x 16 MiB), ~317 MiB with 2 x 8 MiB
  // (chaos/RESULTS.md); the chaos suite runs kspan with deploy/deployment.yaml's NODE_OPTIONS, the chart must agree.
  it('caps the heap at 384 MiB and the young generation at 2 x 8 MiB, in the Deployment and in the chart alike', () => {
    const deployment = docs('deployment.yaml').find((d) => d.kind === 'Deployment')!;
    const env = deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    const nodeOptions = env.find((e) => e.name === 'NODE_OPTIONS')?.value;
    expect(nodeOptions?.split(' ').sort()).toEqual(['--max-old-space-size=384', '--max-semi-space-size=8']);
    const helm = fs.readFileSync(path.join(DEPLOY, 'helm', 'kspan', 'templates', 'deployment.yaml'), 'utf8');
    expect(helm).toMatch(new RegExp(`name: NODE_OPTIONS\\s+value: ${nodeOptions}\\n`));
  });
});
