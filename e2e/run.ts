import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBinaries } from './infra/binary-cache.ts';
import { detectRuntime } from './infra/detect-runtime.ts';
import { kubeMinorEnvVar } from './infra/local-process-infrastructure.ts';

/**
 * `npm run test:e2e`: chooses the infrastructure (a container runtime when one answers, local processes
 * built from Go modules otherwise; KSPAN_E2E_INFRA=local|containers overrides), builds what it needs with
 * progress, and runs the suite, which brings everything up and tears it down, also on failure.
 * `--update` rewrites the golden trees; `--save-scenario DIR` keeps the recorded live input log;
 * `--kube-minor M.N` runs an older control plane from versions.json `.minors` (local runtime only), whose
 * goldens are in e2e/golden/<M.N>/.
 */
const args = process.argv.slice(2);
const env = { ...process.env };
if (args.includes('--update')) env.KSPAN_E2E_UPDATE = '1';
const save = args.indexOf('--save-scenario');
if (save >= 0) env.KSPAN_E2E_SAVE_SCENARIO = args[save + 1] ?? '';
const minorAt = args.indexOf('--kube-minor');
const kubeMinor = minorAt >= 0 ? args[minorAt + 1] : undefined;
if (minorAt >= 0 && (kubeMinor === undefined || kubeMinor.startsWith('--'))) {
  process.stderr.write(
    'e2e: --kube-minor needs a minor from e2e/infra/versions.json .minors, e.g. --kube-minor 1.27\n',
  );
  process.exit(2);
}
if (kubeMinor !== undefined) env[kubeMinorEnvVar] = kubeMinor;

const started = performance.now();
const runtime = await detectRuntime();
env.KSPAN_E2E_INFRA = runtime;
process.stderr.write(
  `e2e: infrastructure = ${runtime === 'local' ? 'local processes (binaries built from Go modules)' : 'containers (testcontainers + kind)'}\n`,
);
if (runtime === 'local') {
  try {
    await ensureBinaries({ kubeMinor: env[kubeMinorEnvVar] || undefined });
  } catch (err) {
    process.stderr.write(`e2e: could not build the e2e binaries: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stderr.write(`e2e: binaries ready after ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}
const vitest = join(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', '--config', join(import.meta.dirname, 'vitest.e2e.config.ts')], {
  stdio: 'inherit',
  env,
});
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  process.stderr.write(`e2e: finished in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  process.exit(code ?? (signal !== null ? 1 : 0));
});
