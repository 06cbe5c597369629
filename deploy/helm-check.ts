/**
 * `bash deploy/helm-check.sh` (builds helm from its Go module once, cached) runs this with the helm binary:
 * `helm lint` (values.schema.json included) and `helm template` of the chart across value sets, each
 * rendering read back as YAML and checked for what that set promises. Prints one line per check; exits 1 if
 * any failed. npm test checks the chart without helm (deploy/helm-chart.test.ts); this is the real renderer.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const helm = process.argv[2] ?? 'helm';
const CHART = join(import.meta.dirname, 'helm', 'kspan');

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: { replicas?: number; template?: { spec: { containers: { args: string[] }[] } } };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

function run(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(helm, args, { encoding: 'utf8' });
  if (r.error !== undefined) {
    console.error(`helm-check: cannot run ${helm}: ${r.error.message}`);
    process.exit(1);
  }
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function render(sets: string[]): { ok: boolean; out: string; manifests: Manifest[] } {
  const r = run(['template', 'kspan', CHART, '--namespace', 'kspan', ...sets.flatMap((s) => ['--set', s])]);
  const manifests = r.ok
    ? parseAllDocuments(r.out)
        .map((d) => d.toJS() as Manifest | null)
        .filter((m): m is Manifest => m !== null)
    : [];
  return { ...r, manifests };
}

const args = (ms: Manifest[]): string[] =>
  ms.find((m) => m.kind === 'Deployment')?.spec?.template?.spec.containers[0]?.args ?? [];

let failed = 0;
function check(name: string, ok: boolean, detail = ''): void {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name}${ok || detail === '' ? '' : `\n     ${detail.split('\n').slice(0, 6).join('\n     ')}`}`,
  );
  if (!ok) failed++;
}

console.log(run(['version', '--short']).out.trim());
const lint = run(['lint', CHART, '--strict']);
check('helm lint --strict', lint.ok, lint.out);
const lintUi = run(['lint', CHART, '--strict', '--set', 'ui=true,replicaCount=2,clusterName=prod']);
check('helm lint --strict with ui, 2 replicas and a cluster name', lintUi.ok, lintUi.out);

const defaults = render([]);
check('renders with the defaults', defaults.ok, defaults.out);
const kinds = defaults.manifests.map((m) => m.kind).sort();
check(
  'defaults: a ServiceAccount, RBAC, a Deployment and a Service',
  ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'].every((k) =>
    kinds.includes(k),
  ),
  kinds.join(', '),
);
check(
  'defaults: leader election on, /ui off',
  args(defaults.manifests).includes('--leader-elect') && !args(defaults.manifests).includes('--ui'),
  args(defaults.manifests).join(' '),
);

const ui = render(['ui=true', 'metricsPort=9191']);
check(
  'ui=true passes --ui; metricsPort moves the listen address',
  args(ui.manifests).includes('--ui') && args(ui.manifests).includes('--metrics-addr=:9191'),
  args(ui.manifests).join(' '),
);

const twoNoLeader = render(['replicaCount=2', 'leaderElect=false']);
check(
  'replicaCount=2 without leaderElect is refused',
  !twoNoLeader.ok && /needs leaderElect: true/.test(twoNoLeader.out),
  twoNoLeader.out,
);

const badType = run(['template', 'kspan', CHART, '--set', 'replicaCount=many']);
check(
  'a value of the wrong type is refused by values.schema.json',
  !badType.ok && /schema|replicaCount/i.test(badType.out),
  badType.out,
);

const extra = render([
  'rbac.extraRules[0].apiGroups[0]=example.com',
  'rbac.extraRules[0].resources[0]=widgets',
  'rbac.extraRules[0].verbs[0]=get',
]);
const clusterRole = extra.manifests.find((m) => m.kind === 'ClusterRole');
check(
  'rbac.extraRules lands in the ClusterRole',
  clusterRole?.rules?.some((r) => r.apiGroups.includes('example.com') && r.resources.includes('widgets')) === true,
  extra.out,
);
const writeRule = run([
  'template',
  'kspan',
  CHART,
  '--set',
  'rbac.extraRules[0].apiGroups[0]=x,rbac.extraRules[0].resources[0]=y,rbac.extraRules[0].verbs[0]=delete',
]);
check('rbac.extraRules with a write verb is refused', !writeRule.ok, writeRule.out);

const args2 = render(['extraArgs[0]=--kinds=Pod', 'namespaces[0]=shop', 'otlp.protocol=http/protobuf']);
check(
  'extraArgs and namespaces become flags',
  ['--kinds=Pod', '--namespace=shop'].every((a) => args(args2.manifests).includes(a)),
  args(args2.manifests).join(' '),
);
check('otlp.protocol sets the exporter protocol', /value: "http\/protobuf"/.test(args2.out), args2.out);

console.log(failed === 0 ? 'helm-check: all checks passed' : `helm-check: ${failed} check(s) failed`);
process.exit(failed === 0 ? 0 : 1);
