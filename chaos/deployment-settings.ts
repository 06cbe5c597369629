import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** What the shipped Deployment runs: `kspan` arguments, plain environment values and the termination grace period. */
export interface DeploymentSettings {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly terminationGraceMs: number;
  /** A rolling update starts the new pod before it stops the old one (maxSurge ≥ 1 of the replicas). */
  readonly surge: boolean;
}

interface ContainerSpec {
  name?: string;
  args?: string[];
  env?: { name: string; value?: string }[];
}

/** Reads `deploy/deployment.yaml`, so the chaos suite runs kspan exactly as it is shipped. */
export function readDeploymentSettings(
  file = path.join(import.meta.dirname, '..', 'deploy', 'deployment.yaml'),
): DeploymentSettings {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
  const deployment = docs.find((d) => d?.kind === 'Deployment') as
    | {
        spec: {
          replicas?: number;
          strategy?: { rollingUpdate?: { maxSurge?: number | string } };
          template: { spec: { terminationGracePeriodSeconds?: number; containers: ContainerSpec[] } };
        };
      }
    | undefined;
  const pod = deployment?.spec.template.spec;
  const container = pod?.containers.find((c) => c.name === 'kspan');
  if (pod === undefined || container === undefined)
    throw new Error(`${file}: no Deployment with a container named kspan`);
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return {
    args: container.args ?? [],
    env,
    terminationGraceMs: (pod.terminationGracePeriodSeconds ?? 30) * 1000,
    surge:
      resolveSurge(deployment?.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', deployment?.spec.replicas ?? 1) >= 1,
  };
}

/** maxSurge as a pod count: a percentage of the replicas rounds up (as the deployment controller does). */
function resolveSurge(maxSurge: number | string, replicas: number): number {
  if (typeof maxSurge === 'number') return maxSurge;
  const pct = /^(\d+)%$/.exec(maxSurge);
  return pct === null ? Number(maxSurge) : Math.ceil((Number(pct[1]) * replicas) / 100);
}
