import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** Absolute paths of the Go-built binaries the local infrastructure runs. */
export interface E2eBinaries {
  readonly dir: string;
  readonly jaeger: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kwok: string;
  readonly kwokctl: string;
}

/** Where build.sh lives (next to this file). */
export const buildScriptPath = fileURLToPath(new URL('./build.sh', import.meta.url));

/** Options for {@link ensureBinaries}. */
export interface EnsureBinariesOptions {
  /** Receives build.sh's progress lines (stderr); default: process.stderr. */
  readonly onProgress?: (line: string) => void;
  /**
   * An older control plane from versions.json `.minors` (e.g. `1.27`): its kube-apiserver,
   * kube-controller-manager and kube-scheduler replace the pinned ones (etcd, kwok, Jaeger stay).
   */
  readonly kubeMinor?: string;
}

/**
 * Returns the cached binaries, building the missing ones with build.sh first (seconds when
 * cached; a cold build compiles Kubernetes and Jaeger from source and takes many minutes).
 * `KSPAN_E2E_BIN_DIR` points at a ready directory and skips build.sh for the default set.
 */
export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<E2eBinaries> {
  const presetDir = process.env.KSPAN_E2E_BIN_DIR;
  const dir = presetDir !== undefined && presetDir !== '' ? presetDir : await runBuildScript([], options);
  const minorDir =
    options.kubeMinor === undefined ? undefined : await runBuildScript(['minor', options.kubeMinor], options);
  const binaries = binariesIn(dir, minorDir);
  for (const [name, path] of Object.entries(binaries) as [string, string][]) {
    if (name === 'dir') continue;
    try {
      await access(path, constants.X_OK);
    } catch {
      throw new Error(`e2e binary ${name} is missing or not executable at ${path}; run bash ${buildScriptPath}`);
    }
  }
  return binaries;
}

function binariesIn(dir: string, controlPlaneDir = dir): E2eBinaries {
  return {
    dir,
    jaeger: join(dir, 'jaeger'),
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(controlPlaneDir, 'kube-apiserver'),
    kubeControllerManager: join(controlPlaneDir, 'kube-controller-manager'),
    kubeScheduler: join(controlPlaneDir, 'kube-scheduler'),
    kwok: join(dir, 'kwok'),
    kwokctl: join(dir, 'kwokctl'),
  };
}

async function runBuildScript(args: readonly string[], options: EnsureBinariesOptions): Promise<string> {
  const onProgress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const child = execa('bash', [buildScriptPath, ...args], {
    reject: false,
    stderr: 'pipe',
    stdout: 'pipe',
    lines: false,
  });
  child.stderr?.setEncoding('utf8');
  let pending = '';
  child.stderr?.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (!line.startsWith('go: downloading')) onProgress(line);
  });
  const result = await child;
  if (result.exitCode !== 0) {
    throw new Error(
      `${buildScriptPath} ${args.join(' ')} failed with exit code ${result.exitCode}; see the output above`,
    );
  }
  const dir = String(result.stdout).trim().split('\n').pop();
  if (dir === undefined || dir === '') throw new Error(`${buildScriptPath} printed no bin directory`);
  return dir;
}
