import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kube-config-loader.ts';
import { PlainKubeCredentials, type KubeCredentials } from './kube-credentials.ts';
import { PlainKubeconfig } from './plain-kubeconfig.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kspan-plain-kc-'));
}

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown> | undefined): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster }],
    users: user === undefined ? [] : [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', ...(user === undefined ? {} : { user: 'u' }) } }],
    'current-context': 'ctx',
  });
}

/** What a request's options carry after `applyToHTTPSOptions`, comparable across implementations. */
async function applied(credentials: KubeCredentials): Promise<Record<string, unknown>> {
  const options: https.RequestOptions = {};
  try {
    await credentials.applyToHTTPSOptions(options);
  } catch (err) {
    return { error: (err as Error).message };
  }
  const agent = options.agent as (http.Agent & { options: https.AgentOptions }) | undefined;
  const text = (b: unknown): string | undefined => (b === undefined ? undefined : (b as Buffer).toString());
  return {
    server: credentials.getCurrentCluster()?.server,
    ca: text(options.ca),
    cert: text(options.cert),
    key: text(options.key),
    rejectUnauthorized: options.rejectUnauthorized,
    servername: options.servername,
    auth: options.auth,
    headers: options.headers,
    agent: agent?.constructor.name,
    agentTls: {
      ca: text(agent?.options.ca),
      cert: text(agent?.options.cert),
      key: text(agent?.options.key),
      rejectUnauthorized: agent?.options.rejectUnauthorized,
      servername: agent?.options.servername,
    },
  };
}

function clientLoad(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

describe('PlainKubeconfig', () => {
  // Each row: a kubeconfig kspan reads without the client; the request options must be the client's own.
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a bearer token', { server: 'https://k.example:6443/' }, { token: 'tok-1' }],
    [
      'a client certificate as data, a CA as data',
      { server: 'https://k.example', 'certificate-authority-data': b64('CA') },
      { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
    ],
    [
      'files relative to the kubeconfig',
      { server: 'https://k.example', 'certificate-authority': 'ca.pem' },
      { 'client-certificate': 'certs/c.pem', 'client-key': 'certs/k.pem', token: 'tok-2' },
    ],
    [
      'insecure-skip-tls-verify and tls-server-name',
      { server: 'https://10.0.0.1:6443', 'insecure-skip-tls-verify': true, 'tls-server-name': 'api.internal' },
      { token: 'tok-3' },
    ],
    [
      'plain HTTP with insecure-skip-tls-verify',
      { server: 'http://127.0.0.1:8080', 'insecure-skip-tls-verify': true },
      { token: 't' },
    ],
    ['plain HTTP without it (an error)', { server: 'http://127.0.0.1:8080' }, { token: 't' }],
    ['a user with nothing', { server: 'https://k.example' }, {}],
    ['an empty token', { server: 'https://k.example' }, { token: '' }],
  ])('%s: the same request options as @kubernetes/client-node', async (_, cluster, user) => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'certs'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'CA-FILE');
    fs.writeFileSync(path.join(dir, 'certs', 'c.pem'), 'CERT-FILE');
    fs.writeFileSync(path.join(dir, 'certs', 'k.pem'), 'KEY-FILE');
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, kubeconfig(cluster, user));
    const plain = loadKubeConfig({ kubeconfig: file, env: {} });
    expect(plain).toBeInstanceOf(PlainKubeCredentials);
    expect(await applied(plain)).toEqual(await applied(clientLoad(file)));
  });

  // Each row needs the client (a plugin, a proxy, impersonation…) or might be read differently by it: it gets it.
  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined]>([
    [
      'an exec plugin',
      { server: 'https://k' },
      { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'x' } },
    ],
    ['an auth-provider', { server: 'https://k' }, { 'auth-provider': { name: 'oidc', config: {} } }],
    ['a token-file', { server: 'https://k' }, { 'token-file': '/dev/null' }],
    ['basic auth', { server: 'https://k' }, { username: 'a', password: 'b' }],
    ['impersonation', { server: 'https://k' }, { token: 't', as: 'someone' }],
    ['a proxy', { server: 'https://k', 'proxy-url': 'http://proxy:3128' }, { token: 't' }],
    ['a context without a user', { server: 'https://k' }, undefined],
    ['a string where a boolean belongs', { server: 'https://k', 'insecure-skip-tls-verify': 'true' }, { token: 't' }],
    ['a number where a string belongs', { server: 'https://k' }, { token: 12345 }],
  ])('%s: read by @kubernetes/client-node', (_, cluster, user) => {
    const file = path.join(tmp(), 'config');
    fs.writeFileSync(file, kubeconfig(cluster, user));
    expect(loadKubeConfig({ kubeconfig: file, env: {} })).toBeInstanceOf(KubeConfig);
  });

  it.each([
    ['not YAML', ': : :\n\t- x'],
    ['a list', '- a\n- b\n'],
    ['a cluster without a server', 'clusters: [{ name: c, cluster: {} }]\n'],
    ['a context without a cluster', 'contexts: [{ name: x, context: { user: u } }]\n'],
    ['a nameless user', 'users: [{ user: { token: t } }]\n'],
  ])('%s: left to the client (its errors)', (_, text) => {
    const file = path.join(tmp(), 'config');
    fs.writeFileSync(file, text);
    expect(PlainKubeconfig.read([file])).toBeUndefined();
  });

  it('merges files as the client does: the first current-context, each path relative to its own file, a name defined twice is the client’s', async () => {
    const [a, b] = [tmp(), tmp()];
    fs.writeFileSync(path.join(b, 'ca.pem'), 'CA-B');
    const first = path.join(a, 'config');
    const second = path.join(b, 'config');
    fs.writeFileSync(first, 'current-context: two\nclusters: [{ name: c1, cluster: { server: "https://one" } }]\n');
    fs.writeFileSync(
      second,
      [
        'current-context: one',
        'clusters: [{ name: c2, cluster: { server: "https://two", certificate-authority: ca.pem } }]',
        'users: [{ name: u, user: { token: t } }]',
        'contexts: [{ name: one, context: { cluster: c1, user: u } }, { name: two, context: { cluster: c2, user: u } }]',
      ].join('\n'),
    );
    const files = [first, second].join(path.delimiter);
    const plain = loadKubeConfig({ env: { KUBECONFIG: files } });
    expect(plain).toBeInstanceOf(PlainKubeCredentials);
    const client = clientLoad(first);
    const other = clientLoad(second);
    client.mergeConfig(other, true);
    expect(await applied(plain)).toEqual(await applied(client));
    expect(plain.getCurrentCluster()?.server).toBe('https://two');
    fs.writeFileSync(second, fs.readFileSync(second, 'utf8').replace('name: c2', 'name: c1'));
    expect(PlainKubeconfig.read([first, second])).toBeUndefined();
  });

  it('the in-cluster ServiceAccount: the server from the environment, its CA, its token re-read after a minute', async () => {
    const prefix = tmp();
    const dir = path.join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CLUSTER-CA');
    fs.writeFileSync(path.join(dir, 'token'), 'token-1');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    let now = 1_000_000;
    const plain = PlainKubeconfig.inCluster(dir, env).credentials(() => now);
    expect(plain).toBeDefined();
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const client = new KubeConfig();
    try {
      client.loadFromCluster(prefix);
    } finally {
      process.env = saved;
    }
    expect(await applied(plain!)).toEqual(await applied(client));
    expect((await applied(plain!)).server).toBe('https://[fd00::1]:443');
    fs.writeFileSync(path.join(dir, 'token'), 'token-2');
    now += 60_000;
    expect((await applied(plain!)).headers).toEqual({ Authorization: 'Bearer token-1' });
    now += 1;
    expect((await applied(plain!)).headers).toEqual({ Authorization: 'Bearer token-2' });
    expect(
      PlainKubeconfig.inCluster(dir, {
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '8080',
      }).getCurrentCluster()?.server,
    ).toBe('http://10.0.0.1:8080');
  });

  // The point of it all: `kspan run` with a plain kubeconfig never loads the client (~55 MiB of RSS).
  it.each([
    ['a token', false, { token: 't' }],
    ['an exec plugin', true, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'x' } }],
  ])('kspan run with %s: @kubernetes/client-node loaded: %s', (_, loaded, user) => {
    const dir = tmp();
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, kubeconfig({ server: 'https://k.example' }, user));
    const probe = path.join(dir, 'probe.mjs');
    const root = path.join(import.meta.dirname, '..');
    fs.writeFileSync(
      probe,
      [
        `await import(${JSON.stringify(path.join(root, 'driver', 'production-run.ts'))});`,
        `const { loadKubeConfig } = await import(${JSON.stringify(path.join(root, 'driver', 'kube-config-loader.ts'))});`,
        `loadKubeConfig({ kubeconfig: ${JSON.stringify(file)}, env: {} });`,
      ].join('\n'),
    );
    const log = path.join(dir, 'imports.log');
    const record = path.join(root, 'cli', 'test-support', 'record-imports.ts');
    execFileSync(process.execPath, ['--import', record, probe], { env: { ...process.env, KSPAN_IMPORTS_LOG: log } });
    const urls = fs.readFileSync(log, 'utf8').split('\n');
    expect(urls.some((u) => u.includes('/driver/kube-config-loader.ts'))).toBe(true);
    expect(urls.some((u) => u.includes('/node_modules/@kubernetes/client-node/'))).toBe(loaded);
  });
});
