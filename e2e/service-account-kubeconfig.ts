import { writeFile } from 'node:fs/promises';
import type { StartedInfrastructure } from './infra/e2e-infrastructure.ts';

interface RawKubeconfig {
  readonly clusters: readonly { readonly name: string; readonly cluster: Record<string, unknown> }[];
}

/**
 * A kubeconfig that authenticates as kspan's own ServiceAccount (a token from the TokenRequest API),
 * so the e2e run proves that deploy/rbac.yaml grants enough, and no more is used.
 */
export async function serviceAccountKubeconfig(
  infra: StartedInfrastructure,
  namespace: string,
  name: string,
  path: string,
): Promise<void> {
  const token = (await infra.kubectl(['create', 'token', name, '-n', namespace, '--duration=2h'])).trim();
  const admin = JSON.parse(await infra.kubectl(['config', 'view', '--raw', '--minify', '-o', 'json'])) as RawKubeconfig;
  const cluster = admin.clusters[0];
  if (cluster === undefined) throw new Error('the admin kubeconfig names no cluster');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster.name, cluster: cluster.cluster }],
    users: [{ name: `${namespace}-${name}`, user: { token } }],
    contexts: [{ name: 'kspan', context: { cluster: cluster.name, user: `${namespace}-${name}` } }],
    'current-context': 'kspan',
  };
  await writeFile(path, JSON.stringify(config, null, 2), { mode: 0o600 });
}
