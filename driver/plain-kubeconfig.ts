import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { PlainKubeCredentials, type PlainCluster, type PlainUser } from './kube-credentials.ts';

/** The contexts of a kubeconfig, as `kspan run` picks one (the subset of client-node's `KubeConfig` it uses). */
export interface KubeconfigContexts {
  getContexts(): readonly { readonly name: string }[];
  getContextObject(name: string): object | null;
  getCurrentContext(): string;
  setCurrentContext(name: string): void;
  getCurrentCluster(): { readonly server: string } | null;
}

interface Entry {
  readonly raw: Record<string, unknown>;
  /** The directory of the file it came from: relative paths in it are relative to that. */
  readonly dir: string;
  /** The in-cluster user (not from a file): its token file, re-read as the client's loadFromCluster does. */
  readonly tokenFile?: string;
}

interface Context {
  readonly cluster: string;
  readonly user: string | undefined;
}

/** Cluster and user fields plain credentials cover; any other field (proxy-url, exec, auth-provider, as…) needs the client. */
const PLAIN_CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
]);
const PLAIN_USER_FIELDS = new Set([
  'token',
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
]);

/**
 * Kubeconfig files read as `@kubernetes/client-node` reads them (`loadFromFile`, then `mergeConfig` keeping the first
 * file's current context), for the common case: `credentials()` gives the current context's credentials when they
 * need no plugin. `read` answers undefined whenever the client might read the files differently (not YAML, an entry
 * it would reject, a name defined twice), so that the client, with its own errors, has the last word.
 */
export class PlainKubeconfig implements KubeconfigContexts {
  private readonly clusters = new Map<string, Entry>();
  private readonly users = new Map<string, Entry>();
  private readonly contexts = new Map<string, Context>();
  private current: string | undefined;

  private constructor(current: string | undefined) {
    this.current = current;
  }

  /** The files, merged; undefined when they are not plain YAML kubeconfigs the client would accept. */
  static read(files: readonly string[]): PlainKubeconfig | undefined {
    let config: PlainKubeconfig | undefined;
    for (const [i, file] of files.entries()) {
      let doc: unknown;
      try {
        doc = parse(fs.readFileSync(file, 'utf8'), { merge: true });
      } catch {
        return undefined;
      }
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
      const d = doc as Record<string, unknown>;
      const current = d['current-context'];
      if (current !== undefined && current !== null && typeof current !== 'string') return undefined;
      config ??= new PlainKubeconfig(current ?? undefined);
      if (!config.add(d, path.dirname(file), i > 0)) return undefined;
    }
    return config;
  }

  /** The in-cluster ServiceAccount, as `KubeConfig.loadFromCluster` describes it. */
  static inCluster(serviceAccountDir: string, env: NodeJS.ProcessEnv): PlainKubeconfig {
    const host = env.KUBERNETES_SERVICE_HOST ?? '';
    const port = env.KUBERNETES_SERVICE_PORT;
    const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
    const config = new PlainKubeconfig('inClusterContext');
    const dir = serviceAccountDir;
    config.clusters.set('inCluster', {
      raw: {
        server: `${scheme}://${net.isIPv6(host) ? `[${host}]` : host}:${port}`,
        'certificate-authority': 'ca.crt',
      },
      dir,
    });
    config.users.set('inClusterUser', { raw: {}, dir, tokenFile: path.join(dir, 'token') });
    config.contexts.set('inClusterContext', { cluster: 'inCluster', user: 'inClusterUser' });
    return config;
  }

  getContexts(): readonly { readonly name: string }[] {
    return [...this.contexts.keys()].map((name) => ({ name }));
  }

  getContextObject(name: string): object | null {
    return this.contexts.get(name) ?? null;
  }

  getCurrentContext(): string {
    return this.current ?? '';
  }

  setCurrentContext(name: string): void {
    this.current = name;
  }

  getCurrentCluster(): { readonly server: string } | null {
    const entry = this.currentCluster();
    return entry === undefined ? null : { server: serverOf(entry) };
  }

  /** The current context's credentials, or undefined when they need the client (a plugin, a proxy, no user…). */
  credentials(now?: () => number): PlainKubeCredentials | undefined {
    const entry = this.currentCluster();
    const cluster = entry === undefined ? undefined : plainClusterOf(entry);
    const context = this.current === undefined ? undefined : this.contexts.get(this.current);
    const user = context?.user === undefined ? undefined : this.users.get(context.user);
    if (cluster === undefined || user === undefined) return undefined;
    const plainUser = plainUserOf(user);
    return plainUser === undefined ? undefined : new PlainKubeCredentials(cluster, plainUser, now);
  }

  private currentCluster(): Entry | undefined {
    const context = this.current === undefined ? undefined : this.contexts.get(this.current);
    return context === undefined ? undefined : this.clusters.get(context.cluster);
  }

  /** One file's entries; false when the client would reject them (or when a later file defines a name again). */
  private add(doc: Record<string, unknown>, dir: string, merging: boolean): boolean {
    const lists = [
      [doc.clusters, this.clusters, 'cluster'],
      [doc.users, this.users, 'user'],
      [doc.contexts, this.contexts, 'context'],
    ] as const;
    for (const [list, into, field] of lists) {
      if (!Array.isArray(list)) continue;
      const seen = new Set<string>();
      for (const item of list as unknown[]) {
        const e = (item ?? {}) as Record<string, unknown>;
        const value = e[field];
        if (typeof e.name !== 'string' || e.name === '') return false;
        if (merging && into.has(e.name)) return false; // the client's mergeConfig throws on a duplicate
        const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
        if (!isObject && (field !== 'user' || (value !== undefined && value !== null))) return false;
        if (seen.has(e.name)) continue; // within one file the first of a name is the one found
        seen.add(e.name);
        const raw = (isObject ? value : {}) as Record<string, unknown>;
        if (field === 'cluster') {
          if (typeof raw.server !== 'string' || raw.server === '') return false;
          this.clusters.set(e.name, { raw, dir });
        } else if (field === 'user') {
          this.users.set(e.name, { raw, dir });
        } else {
          if (typeof raw.cluster !== 'string' || raw.cluster === '') return false;
          if (raw.user !== undefined && raw.user !== null && typeof raw.user !== 'string') return false;
          this.contexts.set(e.name, { cluster: raw.cluster, user: raw.user || undefined });
        }
      }
    }
    return true;
  }
}

function plainClusterOf({ raw, dir }: Entry): PlainCluster | undefined {
  if (!Object.keys(raw).every((k) => PLAIN_CLUSTER_FIELDS.has(k))) return undefined;
  const skip = raw['insecure-skip-tls-verify'];
  const ca = raw['certificate-authority'];
  const caData = raw['certificate-authority-data'];
  const serverName = raw['tls-server-name'];
  if (![ca, caData, serverName].every(isOptionalString) || (skip !== undefined && typeof skip !== 'boolean'))
    return undefined;
  return {
    server: serverOf({ raw, dir }),
    ...(ca ? { caFile: absolute(dir, ca as string) } : {}),
    ...(caData ? { caData: caData as string } : {}),
    skipTLSVerify: skip === true,
    ...(serverName ? { tlsServerName: serverName as string } : {}),
  };
}

/** The server, as the client gives it (one trailing slash dropped). */
function serverOf({ raw }: Entry): string {
  return (raw.server as string).replace(/\/$/, '');
}

function plainUserOf({ raw, dir, tokenFile }: Entry): PlainUser | undefined {
  if (tokenFile !== undefined) return { tokenFile };
  if (!Object.keys(raw).every((k) => PLAIN_USER_FIELDS.has(k))) return undefined;
  const fields = [...PLAIN_USER_FIELDS].map((k) => raw[k]);
  if (!fields.every(isOptionalString)) return undefined;
  const [token, cert, certData, key, keyData] = fields as (string | undefined)[];
  return {
    ...(token ? { token } : {}),
    ...(cert ? { certFile: absolute(dir, cert) } : {}),
    ...(certData ? { certData } : {}),
    ...(key ? { keyFile: absolute(dir, key) } : {}),
    ...(keyData ? { keyData } : {}),
  };
}

function isOptionalString(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'string';
}

function absolute(dir: string, file: string): string {
  return path.isAbsolute(file) ? file : path.join(dir, file);
}
