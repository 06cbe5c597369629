import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBinaries } from './infra/binary-cache.ts';
import { detectRuntime } from './infra/detect-runtime.ts';
import { kubeMinorEnvVar } from './infra/local-process-infrastructure.ts';
import { scriptArgsOrExit } from '../common/script-args.ts';

const USAGE = {
  name: 'e2e',
  help: `Usage: npm run test:e2e [-- --update] [--save-scenario DIR] [--kube-minor M.N]

Runs kspan against a real control plane and a real Jaeger and checks the golden span trees through
Jaeger's query API. The infrastructure is a container runtime when one answers (testcontainers + kind),
local processes built from Go modules otherwise (cached in ~/.cache/kspan-e2e, with progress);
KSPAN_E2E_INFRA=local|containers overrides. Everything is brought up and torn down, also on failure.

  --update             rewrite the golden trees
  --save-scenario DIR  keep the recorded live input log in DIR
  --kube-minor M.N     an older control plane from e2e/infra/versions.json .minors (local runtime only),
                       whose goldens are in e2e/golden/<M.N>/
  -h, --help           this text`,
  options: {
    update: { type: 'boolean' },
    'save-scenario': { type: 'string' },
    'kube-minor': { type: 'string' },
  },
} as const;
const opts = scriptArgsOrExit(USAGE);
const env = { ...process.env };
if (opts.update === true) env.KSPAN_E2E_UPDATE = '1';
if (opts['save-scenario'] !== undefined) env.KSPAN_E2E_SAVE_SCENARIO = opts['save-scenario'];
const kubeMinor = opts['kube-minor'];
if (kubeMinor !== undefined && !/^\d+\.\d+$/.test(kubeMinor)) {
  process.stderr.write(
    `e2e: --kube-minor needs a minor from e2e/infra/versions.json .minors, e.g. --kube-minor 1.27 (got ${JSON.stringify(kubeMinor)})\n`,
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
