import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

/** What the API client needs of a kubeconfig: the server, and the options that authenticate a request to it. */
export interface KubeCredentials {
  /** The current context's cluster, or null when it names none. */
  getCurrentCluster(): { readonly server: string } | null;
  /** Adds the TLS material, the Authorization header and an agent to a request's options. */
  applyToHTTPSOptions(options: https.RequestOptions): Promise<void>;
}

/** A cluster entry that needs nothing but Node's TLS (no proxy). */
export interface PlainCluster {
  readonly server: string;
  readonly caFile?: string;
  readonly caData?: string;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string;
}

/** A user entry that needs no plugin: a bearer token (given, or re-read from a file) and/or a client certificate. */
export interface PlainUser {
  readonly token?: string;
  /** Re-read when older than a minute (a ServiceAccount's projected token rotates), as client-go does. */
  readonly tokenFile?: string;
  readonly certFile?: string;
  readonly certData?: string;
  readonly keyFile?: string;
  readonly keyData?: string;
}

const TOKEN_FILE_REFRESH_MS = 60_000;

/**
 * The credentials of a kubeconfig whose context needs no plugin (and of the in-cluster ServiceAccount), applied as
 * `@kubernetes/client-node`'s `KubeConfig.applyToHTTPSOptions` applies them (a test compares the two): files are
 * read at each request, data is base64, one agent for the process. Without loading that package, which costs
 * `kspan run` ~55 MiB of RSS (its generated API client: a thousand modules kspan never calls).
 */
export class PlainKubeCredentials implements KubeCredentials {
  private readonly cluster: PlainCluster;
  private readonly user: PlainUser;
  private readonly now: () => number;
  private agent: http.Agent | undefined;
  private fileToken: { value: string; readAtMs: number } | undefined;

  constructor(cluster: PlainCluster, user: PlainUser, now: () => number = Date.now) {
    this.cluster = cluster;
    this.user = user;
    this.now = now;
  }

  getCurrentCluster(): { readonly server: string } {
    return { server: this.cluster.server };
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async as the interface is: a throw becomes a rejection
  async applyToHTTPSOptions(options: https.RequestOptions): Promise<void> {
    const { cluster, user } = this;
    if (cluster.skipTLSVerify) options.rejectUnauthorized = false;
    if (cluster.tlsServerName) options.servername = cluster.tlsServerName;
    const ca = fileOrData(cluster.caFile, cluster.caData);
    if (ca !== undefined) options.ca = ca;
    const cert = fileOrData(user.certFile, user.certData);
    if (cert !== undefined) options.cert = cert;
    const key = fileOrData(user.keyFile, user.keyData);
    if (key !== undefined) options.key = key;
    const headers = (options.headers ??= {}) as Record<string, string>;
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    options.agent = this.agentFor(options);
  }

  private token(): string | undefined {
    const file = this.user.tokenFile;
    if (file === undefined) return this.user.token;
    const now = this.now();
    if (this.fileToken === undefined || now - this.fileToken.readAtMs > TOKEN_FILE_REFRESH_MS)
      this.fileToken = { value: fs.readFileSync(file, 'utf8'), readAtMs: now };
    return this.fileToken.value;
  }

  /** One agent for the process, made from the first request's TLS options. */
  private agentFor(options: https.RequestOptions): http.Agent {
    if (this.agent !== undefined) return this.agent;
    const { ca, cert, key, servername } = options;
    const agentOptions: https.AgentOptions = { ca, cert, key, servername };
    if (options.rejectUnauthorized !== undefined) agentOptions.rejectUnauthorized = options.rejectUnauthorized;
    if (this.cluster.server.startsWith('http:')) {
      if (!this.cluster.skipTLSVerify)
        throw new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
      this.agent = new http.Agent(agentOptions);
    } else {
      this.agent = new https.Agent(agentOptions);
    }
    return this.agent;
  }
}

function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return fs.readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}
