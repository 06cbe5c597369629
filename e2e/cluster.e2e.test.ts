import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_DEFAULTS, printTrees, replay, type InputRecord, type KspanSpan } from '../core/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import { canonicalTrees } from './canonical-tree.ts';
import { startInfrastructure } from './infra/create-infrastructure.ts';
import type { AccessQuestion } from './infra/cluster-api.ts';
import type { StartedInfrastructure } from './infra/e2e-infrastructure.ts';
import { freePort } from './infra/free-port.ts';
import { waitFor } from './infra/wait-for.ts';
import { spansFromJaeger } from './jaeger-query.ts';
import { KspanProcess } from './kspan-process.ts';
import { serviceAccountKubeconfig } from './service-account-kubeconfig.ts';

/** An older control plane (`npm run test:e2e -- --kube-minor 1.27`) has goldens of its own, in golden/<minor>/. */
const KUBE_MINOR = process.env.KSPAN_E2E_KUBE_MINOR ?? '';
const GOLDEN = join(import.meta.dirname, 'golden', KUBE_MINOR);
const DEPLOY = join(import.meta.dirname, '..', 'deploy');
const UPDATE = process.env.KSPAN_E2E_UPDATE === '1';
/** Where to keep the recorded live input log as a new scenario (set by `npm run test:e2e -- --save-scenario`). */
const SAVE_SCENARIO = process.env.KSPAN_E2E_SAVE_SCENARIO;
const WINDOW_MS = ENGINE_DEFAULTS.windowMs;
const IDLE_MS = 10_000;

let infra: StartedInfrastructure | undefined;
let kspan: KspanProcess | undefined;
let work = '';

async function golden(name: string, text: string): Promise<void> {
  const path = join(GOLDEN, `${name}.tree`);
  if (UPDATE) {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(path, text);
    return;
  }
  if (!existsSync(path))
    throw new Error(`${path} is missing: run \`KSPAN_E2E_UPDATE=1 npm run test:e2e\`, review it and commit it`);
  expect(text).toBe(await readFile(path, 'utf8'));
}

/**
 * The spans of the traces whose root is `name` at one of `generations`, once Jaeger holds a trace for every
 * one of those generations, `done` holds, and their number has stopped changing (kspan emits after --idle).
 */
async function settledTraces(
  name: string,
  generations: readonly number[],
  done: (spans: readonly KspanSpan[]) => boolean = () => true,
): Promise<KspanSpan[]> {
  let previous = -1;
  return waitFor(
    async () => {
      const all = await spansFromJaeger((infra as StartedInfrastructure).jaegerQueryUrl);
      const roots = all.filter(
        (r) => r.attributes['kspan.root'] === true && r.attributes['kspan.object.name'] === name,
      );
      const wanted = roots.filter((r) => generations.includes(Number(r.attributes['kspan.object.generation'])));
      const traceIds = new Set(wanted.map((r) => r.traceId));
      const mine = all.filter((s) => traceIds.has(s.traceId));
      const complete =
        new Set(wanted.map((r) => Number(r.attributes['kspan.object.generation']))).size === generations.length &&
        done(mine);
      const stable = complete && mine.length === previous;
      previous = complete ? mine.length : -1;
      return stable ? mine : undefined;
    },
    { what: `traces of ${name} generations ${generations.join(',')} in Jaeger`, timeoutMs: 120_000, intervalMs: 4000 },
  );
}

const hasSpan =
  (name: string, rule?: string) =>
  (spans: readonly KspanSpan[]): boolean =>
    spans.some((s) => s.name === name && (rule === undefined || s.attributes['kspan.rule'] === rule));

beforeAll(async () => {
  infra = await startInfrastructure();
  work = await mkdtemp(join(tmpdir(), 'kspan-e2e-run-'));
  process.stderr.write(`e2e: control plane ${infra.kubeVersion}\n`);
  for (const f of ['namespace.yaml', 'serviceaccount.yaml', 'rbac.yaml'])
    await infra.cluster.apply(await readFile(join(DEPLOY, f), 'utf8'));
  const kubeconfig = join(work, 'kspan-sa.kubeconfig');
  await serviceAccountKubeconfig(infra, 'kspan', 'kspan', kubeconfig);
  kspan = await KspanProcess.start({
    kubeconfig,
    otlpEndpoint: infra.jaegerOtlpGrpcEndpoint,
    recordPath: join(work, 'live.ndjson'),
    metricsPort: await freePort(),
    window: `${WINDOW_MS / 1000}s`,
    idle: `${IDLE_MS / 1000}s`,
  });
}, 45 * 60_000);

afterAll(async () => {
  const code = await kspan?.stop();
  if (code !== undefined && code !== 0) process.stderr.write(`kspan run exited ${code}:\n${kspan?.output ?? ''}\n`);
  await infra?.stop();
}, 120_000);

describe('kspan run against a real control plane, traces read back from Jaeger', () => {
  const api = () => (infra as StartedInfrastructure).cluster;

  it('create a Deployment of 2 replicas', async () => {
    await api().createDeployment('web', 'nginx:1.27', 2);
    await api().waitForRollout('web', 120_000);
    await golden(
      'create-deployment',
      canonicalTrees(await settledTraces('web', [1], (s) => s.filter((x) => x.name === 'Pod.Started').length >= 2)),
    );
  });

  it('scale it to 4 and back to 2', async () => {
    await api().scaleDeployment('web', 4);
    await api().waitForRollout('web', 120_000);
    await settledTraces('web', [2], (s) => s.filter((x) => x.name === 'Pod.Started').length >= 2);
    await api().scaleDeployment('web', 2);
    await golden(
      'scale-up-and-down',
      canonicalTrees(await settledTraces('web', [2, 3], (s) => s.filter((x) => x.name === 'Pod.Killing').length >= 2)),
    );
  });

  it('roll out a new image', async () => {
    await api().setImage('web', 'nginx', 'nginx:1.28');
    await api().waitForRollout('web', 180_000);
    await golden(
      'rolling-update',
      canonicalTrees(
        await settledTraces(
          'web',
          [4],
          (s) =>
            s.filter((x) => x.name === 'Pod.Killing').length >= 2 &&
            s.filter((x) => x.name === 'Pod.Started').length >= 2,
        ),
      ),
    );
  });

  it('a bad image that never pulls', async () => {
    await api().createDeployment('broken', 'registry.invalid/does-not-exist:1', 1);
    // Let the kubelet (kwok stages) fail and back off a few times.
    await new Promise((r) => setTimeout(r, 30_000));
    const spans = await settledTraces('broken', [1], hasSpan('Pod.BackOff'));
    // The kubelet reports the pull failure as Warning `Failed` events; its `BackOff` is Normal.
    expect(spans.some((s) => s.status === 'error' && s.name === 'Pod.Failed')).toBe(true);
    expect(spans.some((s) => s.name === 'Pod.BackOff')).toBe(true);
    await golden('bad-image', canonicalTrees(spans));
  });

  it("delete it: the pods stop under the Deployment's trace", async () => {
    await api().deleteDeployments(['web', 'broken'], 120_000);
    const spans = await settledTraces(
      'web',
      [4],
      (s) => s.filter((x) => x.attributes['kspan.rule'] === 'garbage-collection').length >= 2,
    );
    expect(
      spans.filter((s) => s.name === 'Pod.Killing' && s.attributes['kspan.rule'] === 'garbage-collection'),
    ).toHaveLength(2);
    await golden('delete-deployment', canonicalTrees(spans));
  });

  it("kspan worked within its ServiceAccount's RBAC, with few API requests per event", async () => {
    const live = kspan as KspanProcess;
    const logs = live.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string; kind?: string });
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    // Least privilege: the only reads refused are of kinds deliberately left out of the ClusterRole.
    const refused = logs.filter((l) => l.msg.startsWith('not allowed to read')).map((l) => l.kind);
    expect(refused.every((kind) => !['Pod', 'ReplicaSet', 'Deployment', 'Node', 'Event'].includes(String(kind)))).toBe(
      true,
    );
    const events = await live.metric('kspan_events_received_total');
    const requests = await live.metric('kspan_api_requests_total');
    expect(events).toBeGreaterThan(50);
    process.stderr.write(
      `e2e: ${events} events received, ${requests} API requests (${(requests / events).toFixed(3)} per event, including start-up lists and watches)\n`,
    );
    expect(requests / events).toBeLessThan(0.5);
  });

  it('deploy/ is accepted by the API server, and its RBAC grants what kspan needs and no more', async () => {
    await api().applyKustomization(DEPLOY, { dryRun: true });
    const can = (q: AccessQuestion) => api().serviceAccountCan('kspan', 'kspan', q);
    const allowed: AccessQuestion[] = [
      { verb: 'watch', group: 'events.k8s.io', resource: 'events' },
      { verb: 'list', resource: 'events' },
      { verb: 'watch', resource: 'pods' },
      { verb: 'get', group: 'apps', resource: 'replicasets' },
      { verb: 'watch', group: 'apps', resource: 'deployments' },
      { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', name: 'kspan', namespace: 'kspan' },
      // The cluster's identity (k8s.cluster.uid) is the kube-system namespace's uid.
      { verb: 'get', resource: 'namespaces', name: 'kube-system' },
    ];
    const denied: AccessQuestion[] = [
      { verb: 'list', resource: 'secrets' },
      { verb: 'create', resource: 'pods' },
      { verb: 'delete', resource: 'events' },
      { verb: 'update', group: 'apps', resource: 'deployments' },
      {
        verb: 'update',
        group: 'coordination.k8s.io',
        resource: 'leases',
        name: 'kube-scheduler',
        namespace: 'kube-system',
      },
      { verb: 'get', resource: 'namespaces', name: 'default' },
      { verb: 'list', resource: 'namespaces' },
    ];
    // Without a namespace the question is cluster-wide: what kspan's watches of all namespaces need.
    for (const q of allowed) expect(await can(q), JSON.stringify(q)).toBe(true);
    // Denied cluster-wide and in the namespace kubectl would have asked about (`default`).
    for (const q of denied) {
      expect(await can(q), JSON.stringify(q)).toBe(false);
      expect(await can({ namespace: 'default', ...q }), `${JSON.stringify(q)} in default`).toBe(false);
    }
  });

  it('the input log kspan recorded replays offline to the very same spans', async () => {
    const code = await (kspan as KspanProcess).stop();
    expect(code).toBe(0);
    const recorded = await readFile(join(work, 'live.ndjson'), 'utf8');
    const records: InputRecord[] = recorded
      .split('\n')
      .flatMap((line, i) => parseNdjsonLine(line, 'live.ndjson', i + 1) ?? []);
    const replayed = replay(records, { windowMs: WINDOW_MS, idleMs: IDLE_MS }).spans;
    const live = await spansFromJaeger((infra as StartedInfrastructure).jaegerQueryUrl);
    expect(live.length).toBe(replayed.length);
    expect(printTrees(live, { rules: true })).toBe(printTrees(replayed, { rules: true }));
    if (SAVE_SCENARIO !== undefined && SAVE_SCENARIO !== '') {
      await mkdir(SAVE_SCENARIO, { recursive: true });
      await writeFile(join(SAVE_SCENARIO, 'input.ndjson'), recorded);
    }
  });
});
