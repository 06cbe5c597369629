import { execa } from 'execa';
import type { InfrastructureRuntime } from './e2e-infrastructure.ts';

/** The environment variable that forces a runtime: `local` or `containers`. */
export const runtimeEnvVar = 'KSPAN_E2E_INFRA';

/** Answers whether a Docker engine is reachable (the docker CLI alone is not enough). */
export type DockerProbe = () => Promise<boolean>;

/** `docker info` exits 0 only when the CLI reaches an engine. */
export const dockerInfoProbe: DockerProbe = async () => {
  try {
    const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], {
      reject: false,
      timeout: 10_000,
    });
    return result.exitCode === 0 && String(result.stdout).trim() !== '';
  } catch {
    return false;
  }
};

/**
 * Picks the runtime: KSPAN_E2E_INFRA when set, else containers when a Docker engine answers,
 * else local processes.
 */
export async function detectRuntime(
  env: NodeJS.ProcessEnv = process.env,
  probe: DockerProbe = dockerInfoProbe,
): Promise<InfrastructureRuntime> {
  const forced = env[runtimeEnvVar]?.trim();
  if (forced !== undefined && forced !== '') {
    if (forced === 'local' || forced === 'containers') return forced;
    throw new Error(
      `${runtimeEnvVar}=${forced} is not supported; use "local" or "containers" (or unset it to auto-detect)`,
    );
  }
  return (await probe()) ? 'containers' : 'local';
}
