import { readFileSync } from 'node:fs';

/** The pinned versions from versions.json (the one place they are written down). */
export interface E2eVersions {
  readonly go: {
    readonly jaeger: { readonly module: string; readonly version: string; readonly release: string };
    readonly kubernetes: { readonly module: string; readonly version: string; readonly stagingVersion: string };
    readonly etcd: { readonly module: string; readonly version: string };
    readonly kwok: { readonly module: string; readonly version: string };
  };
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
