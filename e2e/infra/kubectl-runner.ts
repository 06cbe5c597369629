import { execa } from 'execa';
import type { KubectlOptions } from './e2e-infrastructure.ts';

/** Runs kubectl with a fixed binary and kubeconfig. */
export type KubectlRunner = (args: readonly string[], options?: KubectlOptions) => Promise<string>;

/** A {@link KubectlRunner} whose errors name the command and carry kubectl's stderr. */
export function createKubectlRunner(binary: string, kubeconfigPath: string): KubectlRunner {
  return async (args, options = {}) => {
    const result = await execa(binary, ['--kubeconfig', kubeconfigPath, ...args], {
      reject: false,
      timeout: options.timeoutMs ?? 60_000,
      ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    });
    if (result.failed) throw new Error(`${result.shortMessage}\n${String(result.stderr).trim()}`);
    return String(result.stdout);
  };
}
