import { ContainerInfrastructure } from './container-infrastructure.ts';
import { detectRuntime } from './detect-runtime.ts';
import type { E2eInfrastructure, InfrastructureRuntime } from './e2e-infrastructure.ts';
import { LocalProcessInfrastructure } from './local-process-infrastructure.ts';

/** The infrastructure for this machine: the given runtime, or {@link detectRuntime}'s choice. */
export async function createInfrastructure(runtime?: InfrastructureRuntime): Promise<E2eInfrastructure> {
  const chosen = runtime ?? (await detectRuntime());
  return chosen === 'containers' ? new ContainerInfrastructure() : new LocalProcessInfrastructure();
}

/** Creates and starts the infrastructure in one call (use with `await using`). */
export async function startInfrastructure(runtime?: InfrastructureRuntime) {
  return (await createInfrastructure(runtime)).start();
}
