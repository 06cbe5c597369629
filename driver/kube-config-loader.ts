import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as ClientNode from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../common/user-error.ts';
import type { KubeCredentials } from './kube-credentials.ts';
import { PlainKubeconfig, type KubeconfigContexts } from './plain-kubeconfig.ts';

/** Where to look for credentials; defaults come from the process. */
export interface KubeConfigSources {
  /** `--kubeconfig`. */
  readonly kubeconfig?: string;
  /** `--context`. */
  readonly context?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly homeDir?: string;
  /** Directory of the in-cluster ServiceAccount files. */
  readonly serviceAccountDir?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Loads a kubeconfig: `--kubeconfig`, then `$KUBECONFIG`, then `~/.kube/config`, then the in-cluster
 * ServiceAccount. Unlike `KubeConfig.loadFromDefault`, which silently falls back to http://localhost:8080,
 * it throws an error that lists where it looked and how to point at a kubeconfig.
 *
 * The in-cluster ServiceAccount and a context with a token or a client certificate are read without
 * `@kubernetes/client-node` (`PlainKubeconfig`): loading that package costs ~55 MiB of RSS, a seventh of the
 * Deployment's memory. Anything else (exec and auth-provider plugins, a proxy, impersonation, a file the client
 * would read differently or reject) is the client's, loaded then, as before.
 */
export function loadKubeConfig(sources: KubeConfigSources = {}): KubeCredentials {
  const env = sources.env ?? process.env;
  let kc: KubeconfigContexts | undefined;
  let files: string[] = [];
  const looked: string[] = [];
  const fromFiles = (paths: string[], origin: string): boolean => {
    files = paths;
    const missing = files.filter((f) => !fs.existsSync(f));
    if (missing.length > 0) {
      throw new UserError(
        `the kubeconfig ${missing.join(', ')} (from ${origin}) does not exist. ` +
          `Point --kubeconfig or $KUBECONFIG at an existing kubeconfig file.`,
      );
    }
    try {
      kc = PlainKubeconfig.read(files) ?? clientKubeConfig(files);
    } catch (err) {
      // The cause is left out on purpose: its message quotes the file (tokens, keys).
      throw new UserError(
        `cannot read the kubeconfig ${files.join(', ')} (from ${origin}): ${describeLoadError(err)}. ` +
          `Check it with \`kubectl config view --kubeconfig <file>\`.`,
        2,
      );
    }
    return true;
  };

  let loaded = false;
  if (sources.kubeconfig !== undefined && sources.kubeconfig !== '') {
    loaded = fromFiles([sources.kubeconfig], '--kubeconfig');
  } else if (env.KUBECONFIG !== undefined && env.KUBECONFIG !== '') {
    loaded = fromFiles(
      env.KUBECONFIG.split(path.delimiter).filter((f) => f !== ''),
      '$KUBECONFIG',
    );
  } else {
    const home = sources.homeDir ?? env.HOME ?? os.homedir();
    const defaultFile = path.join(home, '.kube', 'config');
    looked.push(`--kubeconfig (not set)`, `$KUBECONFIG (not set)`, defaultFile);
    if (fs.existsSync(defaultFile)) {
      loaded = fromFiles([defaultFile], '~/.kube/config');
    } else {
      const saDir = sources.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
      const host = env.KUBERNETES_SERVICE_HOST;
      looked.push(`in-cluster ServiceAccount ($KUBERNETES_SERVICE_HOST${host ? '' : ' not set'}, ${saDir}/token)`);
      if (host && fs.existsSync(path.join(saDir, 'token'))) {
        kc = PlainKubeconfig.inCluster(saDir, env);
        loaded = true;
      }
    }
  }
  if (!loaded || kc === undefined) {
    throw new UserError(
      `no kubeconfig found; looked at: ${looked.join('; ')}. ` +
        `Point kspan at a cluster with --kubeconfig <file> or KUBECONFIG=<file>, or run it inside a cluster with a ServiceAccount.`,
    );
  }
  if (sources.context !== undefined && sources.context !== '') {
    if (kc.getContextObject(sources.context) === null) {
      const known = kc.getContexts().map((c) => c.name);
      throw new UserError(
        `the kubeconfig has no context "${sources.context}"; known contexts: ${known.join(', ') || '(none)'}.`,
      );
    }
    kc.setCurrentContext(sources.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new UserError(
      `the kubeconfig's current context "${kc.getCurrentContext()}" names no cluster. ` +
        `Pick a context with --context, or run \`kubectl config use-context <name>\`.`,
    );
  }
  if (!(kc instanceof PlainKubeconfig)) return kc as KubeConfig;
  const plain = kc.credentials();
  if (plain !== undefined) return plain;
  // The context needs a plugin or a proxy: the client reads the same files (read once already) and context.
  const client = clientKubeConfig(files);
  client.setCurrentContext(kc.getCurrentContext());
  return client;
}

/** The files merged by `@kubernetes/client-node` (loaded on first use: `require` of its ES module, synchronous). */
function clientKubeConfig(files: readonly string[]): KubeConfig {
  const { KubeConfig: ClientKubeConfig } = createRequire(import.meta.url)(
    '@kubernetes/client-node',
  ) as typeof ClientNode;
  const kc = new ClientKubeConfig();
  kc.loadFromFile(files[0]!);
  for (const file of files.slice(1)) {
    const other = new ClientKubeConfig();
    other.loadFromFile(file);
    kc.mergeConfig(other, true);
  }
  return kc;
}

/**
 * Why a kubeconfig did not load, without quoting the file: the YAML parser's message shows the lines around the
 * problem, and a kubeconfig holds tokens and keys. The cause is not attached, for the same reason.
 */
export function describeLoadError(err: unknown): string {
  const e = err as { reason?: unknown; mark?: { line?: unknown; column?: unknown }; message?: unknown };
  if (typeof e?.reason === 'string' && typeof e.mark?.line === 'number' && typeof e.mark.column === 'number')
    return `invalid YAML (${e.reason} at line ${e.mark.line + 1}, column ${e.mark.column + 1})`;
  if (typeof e?.reason === 'string') return `invalid YAML (${e.reason})`;
  const first = typeof e?.message === 'string' ? (e.message.split('\n')[0] ?? '') : '';
  // A message that quotes a value (": …", '"…"') may quote the file: keep only what comes before.
  const plain = first.split(/[:"'`{[]/)[0]?.trim() ?? '';
  return plain === '' ? 'not a valid kubeconfig' : `not a valid kubeconfig (${plain.slice(0, 120)})`;
}
