import { readFileSync } from 'node:fs';

/** The pinned versions from versions.json (the one place they are written down). */
export interface E2eVersions {
  readonly go: {
    readonly jaeger: { readonly module: string; readonly version: string; readonly release: string };
    readonly kubernetes: { readonly module: string; readonly version: string; readonly stagingVersion: string };
    readonly etcd: { readonly module: string; readonly version: string };
    readonly kwok: { readonly module: string; readonly version: string };
  };
  /** Older control planes, by minor (`1.27`): build.sh minor <M.N>. */
  readonly minors: Readonly<Record<string, { readonly version: string; readonly stagingVersion: string } | string>>;
  readonly containers: {
    readonly jaegerImage: string;
    readonly kindVersion: string;
    readonly kindNodeImage: string;
  };
}

/** Reads e2e/infra/versions.json. */
export function loadVersions(): E2eVersions {
  const path = new URL('./versions.json', import.meta.url);
  return JSON.parse(readFileSync(path, 'utf8')) as E2eVersions;
}

/** The Kubernetes version of the control plane: the pinned one, or that of an older minor from `.minors`. */
export function kubeVersionFor(minor: string | undefined, versions: E2eVersions = loadVersions()): string {
  if (minor === undefined) return versions.go.kubernetes.version;
  const spec = versions.minors[minor];
  if (spec === undefined || typeof spec === 'string') {
    const known = Object.entries(versions.minors)
      .filter(([, v]) => typeof v !== 'string')
      .map(([k]) => k);
    throw new Error(`unknown Kubernetes minor '${minor}' (versions.json .minors has ${known.join(', ')})`);
  }
  return spec.version;
}
