import { readFile, writeFile } from 'node:fs/promises';
import type { StartedInfrastructure } from './infra/e2e-infrastructure.ts';

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
  const token = await infra.cluster.createToken(namespace, name, 2 * 3600);
  const cluster = infra.cluster.kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('the admin kubeconfig names no cluster');
  const caData =
    cluster.caData ?? (cluster.caFile !== undefined ? (await readFile(cluster.caFile)).toString('base64') : undefined);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: {
          server: cluster.server,
          ...(caData !== undefined ? { 'certificate-authority-data': caData } : {}),
          ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
          ...(cluster.tlsServerName !== undefined ? { 'tls-server-name': cluster.tlsServerName } : {}),
        },
      },
    ],
    users: [{ name: `${namespace}-${name}`, user: { token } }],
    contexts: [{ name: 'kspan', context: { cluster: cluster.name, user: `${namespace}-${name}` } }],
    'current-context': 'kspan',
  };
  await writeFile(path, JSON.stringify(config, null, 2), { mode: 0o600 });
}
